#!/bin/sh
# Refreshes internal/signon/disposable_email_blocklist.conf, the list of
# disposable-email domains Signon ships in its binary, from the
# disposable-email-domains project (CC0-1.0):
#   https://github.com/disposable-email-domains/disposable-email-domains
# It takes the project's disposable_email_blocklist.conf directly when
# GitHub is reachable, and otherwise the same list as the npm package
# disposable-email-domains-js republishes it. Run it from the top of the
# repository, review the diff, run the tests and commit:
#   scripts/refresh-disposable.sh && git diff --stat
set -eu

out=internal/signon/disposable_email_blocklist.conf
upstream=https://raw.githubusercontent.com/disposable-email-domains/disposable-email-domains/main/disposable_email_blocklist.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if curl -fsSL --max-time 30 "$upstream" -o "$tmp/list" 2>/dev/null; then
	echo "from $upstream" >&2
else
	(cd "$tmp" && npm pack --silent disposable-email-domains-js >/dev/null && tar xzf disposable-email-domains-js-*.tgz)
	echo "from npm disposable-email-domains-js $(node -p "require('$tmp/package/package.json').version")" >&2
	node -e "process.stdout.write(require('$tmp/package/dist/dict/disposable_email_blocklist.json').join('\n') + '\n')" >"$tmp/list"
fi

# One lower-case domain a line, sorted, without comments or blanks.
grep -v '^[[:space:]]*\(#\|$\)' "$tmp/list" | tr 'A-Z' 'a-z' | tr -d '\r ' | LC_ALL=C sort -u >"$tmp/sorted"
if [ "$(wc -l <"$tmp/sorted")" -lt 1000 ]; then
	echo "refusing a list of $(wc -l <"$tmp/sorted") domains: expected thousands" >&2
	exit 1
fi
mv "$tmp/sorted" "$out"
echo "$(wc -l <"$out") domains in $out" >&2
