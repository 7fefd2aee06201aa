-- The table pgbench-signature.sql inserts into: a copy of Signon's
-- signatures table, with the same columns, defaults, checks, generated
-- list_name and indexes (the primary key, the unique organization key per
-- statement, the region and list indexes), and the foreign key to the
-- statement a signature checks. LIKE … INCLUDING ALL follows the schema
-- as the migrations left it, so the copy stays the same shape.
--
-- Run against Signon's PostgreSQL database (migrated); run.sh does, and
-- drops the schema afterwards. Nothing of Signon's own data is touched.

DROP SCHEMA IF EXISTS signon_bench CASCADE;
CREATE SCHEMA signon_bench;
CREATE TABLE signon_bench.signatures (LIKE public.signatures INCLUDING ALL);
ALTER TABLE signon_bench.signatures
    ADD FOREIGN KEY (statement_id) REFERENCES public.statements (id) ON DELETE CASCADE;
