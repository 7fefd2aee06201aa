-- One signature-shaped row per transaction, committed (and, with fsync and
-- synchronous_commit on, flushed) as Signon commits a signature: the
-- database's ceiling for the sign path on this machine. :st is the id of
-- an existing statement (pgbench -D st=ID); the organization key is random,
-- so the unique index is checked as for a new organization.
\set r random(0, 17)
INSERT INTO signon_bench.signatures (statement_id, signer_type, organization, org_key, signer_name, signer_title,
    email, city, country, region, website, language, status, source, statement_version, created_at, updated_at)
VALUES (:st, 'organization', 'Bench Organization ' || :client_id || '-' || :r, gen_random_uuid()::text, 'Bench Signer', 'Director',
    'bench-' || :client_id || '@example.org', 'El Paso', 'US',
    (ARRAY['US-TX', 'US-CA', 'US-AZ', 'US-NM', 'US-IL', 'US-NY', 'US-FL', 'US-GA', 'US-NC',
           'US-WA', 'US-OR', 'US-CO', 'US-NV', 'US-MA', 'US-NJ', 'US-PA', 'US-MN', 'US-MI'])[:r + 1],
    'https://example.org', 'en', 'approved', 'api', 1, now(), now());
