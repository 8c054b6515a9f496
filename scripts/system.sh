#!/usr/bin/env bash
# System packages the whole test suite uses (Debian names), installed when we are root with apt;
# otherwise say plainly what is missing. Sourced by scripts/test.sh and .ci/run.
set -euo pipefail
GONGKAI_APT_PACKAGES=(
  postgresql            # the store tests on PostgreSQL (started on 127.0.0.1 by scripts/pg.sh)
  fonts-noto-cjk        # Chinese glyphs for charts, rendered documents and screenshots
  fonts-wqy-zenhei
  poppler-utils         # pdftoppm: pictures of rendered documents
  libreoffice-writer    # .doc/.wps input, DOCX → PDF
  libreoffice-calc      # XLSX → PDF (pictures of workbooks)
  chromium              # browser tests of `gongkai serve`
)
missing=()
for pkg in "${GONGKAI_APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "注意：缺少系统软件包 ${missing[*]}（需要 root 和 apt 安装）；依赖它们的测试会被跳过并列出。" >&2
  fi
fi
