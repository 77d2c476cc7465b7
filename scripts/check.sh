#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run the test tiers (`make check`): unit (cmocka, host only), prog (the real
# BPF program on crafted frames), e2e (namespaces, veth, real traffic), and
# format: clang-format, the README's dependency table against scripts/deps.sh,
# and no glibc header in the BPF objects' dependencies.
# Usage: check.sh BUILD [unit|prog|e2e|format]...
set -u

BUILD=${1:?usage: check.sh BUILD [tier...]}
shift
TIERS=${*:-unit prog e2e format}
failed=()

tier_unit() {
	local t rc=0
	for t in "$BUILD"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		echo "--- $(basename "$t")"
		"$t" || rc=1
	done
	return $rc
}

tier_prog() {
	"$BUILD"/tests/prog/test_prog
}

tier_e2e() {
	tests/e2e/run.sh "$BUILD"
}

# readme_deps: the packages of the README's dependency table, one a line.
readme_deps() {
	awk '/^### Dependencies/ { on = 1; next } on && /^#/ { exit }
		on && /^\|/ { print }' README.md |
		awk -F'|' '$2 !~ /^[ -]*$/ && $2 !~ /^ *package *$/ { print $2 }' |
		tr ',' '\n' | tr -d ' `' | grep -v '^$' | sort -u
}

# check_deps_table: the README's table lists exactly scripts/deps.sh's packages.
check_deps_table() {
	local want have only_deps only_readme
	want=$(scripts/deps.sh --list | sort -u)
	have=$(readme_deps)
	only_deps=$(comm -23 <(echo "$want") <(echo "$have"))
	only_readme=$(comm -13 <(echo "$want") <(echo "$have"))
	if [ -z "$only_deps$only_readme" ]; then
		echo "deps: the README's table lists the $(echo "$want" | wc -l) packages of scripts/deps.sh"
		return 0
	fi
	[ -n "$only_deps" ] &&
		echo "deps: in scripts/deps.sh, not in the README's table:" $only_deps
	[ -n "$only_readme" ] &&
		echo "deps: in the README's table, not in scripts/deps.sh:" $only_readme
	return 1
}

# check_bpf_headers: no BPF object reads a glibc header (STYLE.md, Build): no
# dependency under /usr/include/<multiarch>/ but asm/, and no top-level
# /usr/include/*.h (features.h, stdint.h, ...). The .bpf.d files are made
# with -MD: -MMD would leave out every header found in a system directory.
check_bpf_headers() {
	local d bad rc=0 n=0
	for d in "$BUILD"/bpf/*.bpf.d; do
		if [ ! -f "$d" ]; then
			echo "bpf headers: no $BUILD/bpf/*.bpf.d (build first: make)"
			return 1
		fi
		n=$((n + 1))
		bad=$(sed 's/\\$//' "$d" | tr ' \t' '\n\n' | sed 's/:$//' |
			grep '^/' | sort -u | xargs -r realpath -m -s |
			awk '/^\/usr\/include\/[^\/]+\.h$/ ||
				(/^\/usr\/include\/[^\/]*-linux-[^\/]*\// &&
				 !/^\/usr\/include\/[^\/]*-linux-[^\/]*\/asm\//)')
		if [ -n "$bad" ]; then
			echo "bpf headers: $(basename "$d" .d).o reads glibc headers:" $bad
			rc=1
		fi
	done
	[ $rc -eq 0 ] && echo "bpf headers: $n BPF object(s) read no glibc header"
	return $rc
}

tier_format() {
	local files rc=0
	files=$(ls bpf/*.c bpf/*.h include/*.h lib/*.c lib/*.h user/*.c user/*.h \
		user/*/*.c user/*/*.h tests/*/*.c tests/*/*.h tools/*/*.c \
		tools/*/*.h 2>/dev/null)
	if clang-format --dry-run --Werror $files; then
		echo "format: $(echo "$files" | wc -l) files clean"
	else
		rc=1
	fi
	check_deps_table || rc=1
	check_bpf_headers || rc=1
	return $rc
}

for tier in $TIERS; do
	echo "=== tier: $tier"
	if "tier_$tier"; then
		echo "=== tier $tier: ok"
	else
		echo "=== tier $tier: FAILED"
		failed+=("$tier")
	fi
done

if [ ${#failed[@]} -ne 0 ]; then
	echo "make check: failed tiers: ${failed[*]}"
	exit 1
fi
echo "make check: all tiers passed ($TIERS)"
