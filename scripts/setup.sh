#!/bin/sh
# Install what zcp needs to build and test, through apt; quiet when all is there.
set -eu

PKGS="gcc make pkg-config liburing-dev libpopt-dev libc6-dev \
bats bats-support bats-assert bats-file \
strace coreutils diffutils findutils attr acl util-linux e2fsprogs \
btrfs-progs xfsprogs socat jq python3 man-db groff-base bc rsync \
fuse3 python3-fusepy zsh fish dosfstools time tar gnuplot-nox fpart parallel"

missing=""
for p in $PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages:$missing; run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
