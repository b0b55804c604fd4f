#!/bin/sh
# Writes the corpus (../sentences.txt) in each legacy encoding that glibc's
# iconv holds, for the tests: run by `go generate` in services/vnenc.
# TCVN3 and VISCII have no typographic quotes, dashes or ellipsis; documents
# in them used the ASCII ones, and so does their corpus (corpusFor in the
# tests does the same replacement, and TestIconvFixturesAreFresh compares).
set -eu
cd "$(dirname "$0")"
sentences() { grep -v -e '^#' -e '^$' ../sentences.txt; }
plain() {
	sed -e 's/“/"/g' -e 's/”/"/g' -e "s/‘/'/g" -e "s/’/'/g" \
		-e 's/–/-/g' -e 's/—/-/g' -e 's/…/.../g'
}
sentences | plain | iconv -f UTF-8 -t TCVN5712-1 >sentences.TCVN5712-1
sentences | plain | iconv -f UTF-8 -t VISCII >sentences.VISCII
sentences | iconv -f UTF-8 -t CP1258 >sentences.CP1258
