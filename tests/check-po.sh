#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Translation completeness test.
#
# Usage: check-po.sh SOURCE_ROOT [LANG...]
#
# LANG defaults to every language listed in po/LINGUAS.  Fails (exit 1) when:
#  1. a file under src/, transports/ or ui/ (*.c, *.h, *.ui), or a desktop or
#     metainfo file under data/ (*.desktop.in, *.metainfo.xml.in), holds a
#     translatable string but is not listed in po/POTFILES.in, or a
#     POTFILES.in entry does not exist or is listed twice;
#  2. after merging po/LANG.po with a template freshly extracted from the
#     sources, any message is untranslated, fuzzy, or has an empty plural form;
#  3. msgfmt --check reports an error for po/LANG.po (or for the merged
#     catalogue, which carries the current c-format flags).
# The source tree is never modified: all output goes to a temporary directory.
#
# The gettext tools are taken from $XGETTEXT, $MSGMERGE, $MSGFMT and
# $MSGATTRIB when set, otherwise from PATH.
set -eu
# Tool messages in English, whatever the caller's locale.
LC_ALL=C
export LC_ALL

if [ $# -lt 1 ]; then
  echo "usage: $0 SOURCE_ROOT [LANG...]" >&2
  exit 2
fi
srcroot=$1
shift

XGETTEXT=${XGETTEXT:-xgettext}
MSGMERGE=${MSGMERGE:-msgmerge}
MSGFMT=${MSGFMT:-msgfmt}
MSGATTRIB=${MSGATTRIB:-msgattrib}

# Same keywords and flags as meson's i18n.gettext(preset: 'glib'), plus
# ngettext.
set_xgettext_args () {
  set -- --from-code=UTF-8 --add-comments=TRANSLATORS \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
    --keyword=g_dpgettext2:2c,3 --keyword=ngettext:1,2 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
    --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
    --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
    --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
    --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
    --flag=g_log:3:c-format --flag=g_print:1:c-format \
    --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
    --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format \
    --flag=g_snprintf:3:c-format
  xgettext_args="$*"
}
set_xgettext_args

cd "$srcroot" || { echo "$0: cannot enter source root $srcroot" >&2; exit 2; }
potfiles=po/POTFILES.in
linguas=po/LINGUAS
for f in "$potfiles" "$linguas"; do
  if [ ! -f "$f" ]; then
    echo "FAIL: $f does not exist" >&2
    exit 1
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

status=0
fail () {
  echo "FAIL: $*" >&2
  status=1
}

# --- 1. POTFILES.in matches the sources ---------------------------------
# Entries, without comments, blank lines and surrounding blanks.
sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$potfiles" \
  | grep -v '^$' > "$tmp/potfiles" || true

while IFS= read -r entry; do
  if [ ! -f "$entry" ]; then
    fail "$potfiles lists $entry, which does not exist"
  fi
done < "$tmp/potfiles"

sort "$tmp/potfiles" | uniq -d > "$tmp/dups"
while IFS= read -r entry; do
  fail "$potfiles lists $entry more than once"
done < "$tmp/dups"

# Candidates: files that mention a translation keyword.  A candidate must be
# listed if xgettext extracts at least one message from it (so a keyword
# that only appears in a comment does not count).
dirs=
for d in src transports ui data; do
  [ -d "$d" ] && dirs="$dirs $d"
done
if [ -n "$dirs" ]; then
  # shellcheck disable=SC2086 # $dirs is a list of plain directory names
  find $dirs -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' \
                        -o -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
                        -o -name '*.appdata.xml.in' \) \
    | LC_ALL=C sort > "$tmp/sources"
else
  : > "$tmp/sources"
fi
while IFS= read -r file; do
  case $file in
    *.ui) pattern='translatable="yes"' ;;
    *.in) pattern='.' ;;   # desktop and metainfo files: ask xgettext
    *) pattern='(^|[^A-Za-z0-9_])(_|N_|C_|NC_)[[:space:]]*\(|ngettext[[:space:]]*\(' ;;
  esac
  grep -Eq "$pattern" "$file" || continue
  grep -Fqx "$file" "$tmp/potfiles" && continue
  rm -f "$tmp/one.pot"
  # shellcheck disable=SC2086 # $xgettext_args holds no blanks or globs
  if ! "$XGETTEXT" $xgettext_args -o "$tmp/one.pot" "$file" 2> "$tmp/one.err"; then
    cat "$tmp/one.err" >&2
    fail "xgettext cannot parse $file"
    continue
  fi
  if [ -s "$tmp/one.pot" ]; then
    fail "$file has translatable strings but is not listed in $potfiles"
  fi
done < "$tmp/sources"

if [ "$status" -ne 0 ]; then
  echo "FAIL: fix $potfiles first" >&2
  exit 1
fi

# --- 2. Fresh template --------------------------------------------------
# shellcheck disable=SC2086
if ! "$XGETTEXT" $xgettext_args --package-name=pipecalc \
     --files-from="$tmp/potfiles" --directory=. \
     -o "$tmp/pipecalc.pot" 2> "$tmp/xgettext.err"; then
  cat "$tmp/xgettext.err" >&2
  echo "FAIL: xgettext failed" >&2
  exit 1
fi
# xgettext warnings (e.g. on format strings) are worth seeing.
cat "$tmp/xgettext.err" >&2
if [ ! -s "$tmp/pipecalc.pot" ]; then
  echo "FAIL: xgettext found no translatable message" >&2
  exit 1
fi
total=$(grep -c '^msgid ' "$tmp/pipecalc.pot")
total=$((total - 1))   # header

# --- 3. Each language ---------------------------------------------------
if [ $# -eq 0 ]; then
  # shellcheck disable=SC2046
  set -- $(sed -e 's/#.*//' "$linguas")
fi
if [ $# -eq 0 ]; then
  echo "FAIL: no language to check in $linguas" >&2
  exit 1
fi

for lang in "$@"; do
  po=po/$lang.po
  merged=$tmp/$lang.po
  if [ ! -f "$po" ]; then
    fail "$po does not exist"
    continue
  fi

  echo "== $po (template: $total messages)"

  if ! "$MSGFMT" --check -o /dev/null "$po"; then
    fail "msgfmt --check reports errors in $po"
  fi

  if ! "$MSGMERGE" --quiet --previous -o "$merged" "$po" "$tmp/pipecalc.pot"; then
    fail "msgmerge cannot merge $po with the current template"
    continue
  fi
  if ! "$MSGFMT" --check -o /dev/null "$merged"; then
    fail "msgfmt --check reports errors in $po merged with the current template"
  fi

  "$MSGFMT" --statistics -o /dev/null "$merged" 2>&1 \
    | sed "s|^|$po against current sources: |"

  if ! "$MSGATTRIB" --no-obsolete --untranslated -o "$tmp/untranslated.po" \
       "$merged"; then
    fail "msgattrib failed on $po"
    continue
  fi
  if [ -s "$tmp/untranslated.po" ]; then
    cat "$tmp/untranslated.po"
    fail "$po has untranslated messages, listed above"
  fi

  if ! "$MSGATTRIB" --no-obsolete --only-fuzzy -o "$tmp/fuzzy.po" "$merged"; then
    fail "msgattrib failed on $po"
    continue
  fi
  if [ -s "$tmp/fuzzy.po" ]; then
    cat "$tmp/fuzzy.po"
    fail "$po has fuzzy messages (new or changed in the sources), listed above"
  fi

  # msgattrib counts a plural message as translated as soon as msgstr[0] is
  # set; every plural form must be filled in.
  if ! "$MSGATTRIB" --no-obsolete --translated --no-wrap -o "$tmp/all.po" "$merged"; then
    fail "msgattrib failed on $po"
    continue
  fi
  if [ -s "$tmp/all.po" ] && ! awk -v po="$po" '
    function check() {
      if (pending) { print po ": empty plural form " form " for " id; bad = 1 }
      pending = 0
    }
    /^"/ { pending = 0; next }              # continuation: not empty
    { check() }
    /^msgid / { id = $0 }
    /^msgstr\[[0-9]+\] ""$/ { pending = 1; form = $1 }
    END { check(); exit bad }
  ' "$tmp/all.po" >&2; then
    fail "$po has empty plural forms, listed above"
  fi

  if grep -q '^#~' "$po"; then
    echo "note: $po has obsolete (#~) entries; they can be removed" >&2
  fi
done

if [ "$status" -ne 0 ]; then
  echo "FAIL: translations are incomplete" >&2
fi
exit "$status"
