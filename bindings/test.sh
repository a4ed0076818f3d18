#!/usr/bin/env bash
# Builds libciclo once and runs the tests and examples of every binding:
# C++ (under valgrind), Python (pytest), Java FFM (JDK 25), Java JNA (JDK 17),
# C# (Mono). Exits non-zero if any of them fails.
#
#   bash bindings/test.sh                 # all of them
#   bash bindings/test.sh python csharp   # some of them
#
# Environment: CICLO_PROFILE=release builds and tests the release library
# (default debug: what .ci/run builds anyway); JDK25_HOME and JDK17_HOME name
# the JDKs (defaults: the Temurin 25 JDK of the machine image and Debian's
# OpenJDK 17).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

profile="${CICLO_PROFILE:-debug}"
jdk25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jdk17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
jna_jar="${JNA_JAR:-/usr/share/java/jna.jar}"

if [ $# -gt 0 ]; then
    selected=("$@")
else
    selected=(cpp python ffm jna csharp)
fi

echo "== building libciclo ($profile)"
if [ "$profile" = release ]; then
    cargo build --release --lib --quiet
else
    cargo build --lib --quiet
fi
lib_dir="$root/target/$profile"
export CICLO_LIB="$lib_dir/libciclo.so"
export LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Each binding's steps; a failed step makes the function return non-zero
# (`|| return 1`: `set -e` does not apply inside a function called from `if`).

cxx_flags=(-std=c++17 -Wall -Wextra -Werror -pedantic -Wshadow -Wconversion -g -Iinclude)
valgrind_flags=(--leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 -q
    --num-callers=50 --suppressions=.ci/valgrind.supp)

test_cpp() {
    command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)"; return 1; }
    for program in test example; do
        c++ "${cxx_flags[@]}" "bindings/cpp/$program.cpp" "$lib_dir/libciclo.a" \
            -pthread -ldl -lm -o "$work/cpp_$program" || return 1
        valgrind "${valgrind_flags[@]}" "$work/cpp_$program" > "$work/cpp_$program.out" \
            || { cat "$work/cpp_$program.out"; return 1; }
        tail -n 1 "$work/cpp_$program.out"
    done
    echo "valgrind (C++ test and example): no leaks, no errors"
}

test_python() {
    local python="${PYTHON:-python3}"
    "$python" -c 'import pytest' 2>/dev/null || python=/usr/bin/python3  # Debian's, with python3-pytest
    (cd bindings/python && PYTHONDONTWRITEBYTECODE=1 "$python" -m pytest -q -p no:cacheprovider) || return 1
    PYTHONPATH=bindings/python PYTHONDONTWRITEBYTECODE=1 "$python" bindings/python/example.py \
        > "$work/python_example.out" || { cat "$work/python_example.out"; return 1; }
    tail -n 1 "$work/python_example.out"
}

# Java runs under LANG=C: the bindings must send and read UTF-8 whatever the
# locale says ("María" must not become "Mar?a").
test_ffm() {
    if [ ! -x "$jdk25/bin/javac" ]; then
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!!! SKIPPED: the Java FFM binding needs JDK 22+; none at $jdk25"
        echo "!!! (set JDK25_HOME to one)"
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        skipped+=(ffm)
        return 0
    fi
    local out="$work/ffm"
    "$jdk25/bin/javac" -Xlint:all,-restricted -Werror -d "$out" \
        $(find bindings/java/common/src bindings/java/ffm/src bindings/java/ffm/test -name '*.java') \
        bindings/java/ffm/example/Example.java || return 1
    LANG=C LC_ALL=C "$jdk25/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out" ciclo.ffm.FfmTest || return 1
    LANG=C LC_ALL=C "$jdk25/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out" Example \
        > "$work/ffm_example.out" || { cat "$work/ffm_example.out"; return 1; }
    tail -n 1 "$work/ffm_example.out"
}

test_jna() {
    [ -x "$jdk17/bin/javac" ] || { echo "no JDK 17 at $jdk17 (apt-get install openjdk-17-jdk-headless)"; return 1; }
    [ -f "$jna_jar" ] || { echo "no JNA at $jna_jar (apt-get install libjna-java)"; return 1; }
    local out="$work/jna"
    "$jdk17/bin/javac" -Xlint:all -Werror -cp "$jna_jar" -d "$out" \
        $(find bindings/java/common/src bindings/java/jna/src bindings/java/jna/test -name '*.java') \
        bindings/java/jna/example/Example.java || return 1
    LANG=C LC_ALL=C "$jdk17/bin/java" -cp "$out:$jna_jar" ciclo.jna.JnaTest || return 1
    if [ -x "$jdk25/bin/java" ]; then
        # The same classes on JDK 25: its virtual-thread part runs there.
        LANG=C LC_ALL=C "$jdk25/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out:$jna_jar" \
            ciclo.jna.JnaTest || return 1
    fi
    LANG=C LC_ALL=C "$jdk17/bin/java" -cp "$out:$jna_jar" Example \
        > "$work/jna_example.out" || { cat "$work/jna_example.out"; return 1; }
    tail -n 1 "$work/jna_example.out"
}

test_csharp() {
    command -v mcs >/dev/null || { echo "no mcs (apt-get install mono-mcs)"; return 1; }
    command -v mono >/dev/null || { echo "no mono (apt-get install mono-runtime)"; return 1; }
    mcs -langversion:7 -warnaserror -out:"$work/cs_tests.exe" \
        bindings/csharp/Ciclo/*.cs bindings/csharp/tests/Tests.cs || return 1
    mcs -langversion:7 -warnaserror -out:"$work/cs_example.exe" \
        bindings/csharp/Ciclo/*.cs bindings/csharp/example/Example.cs || return 1
    LANG=C LC_ALL=C mono "$work/cs_tests.exe" || return 1
    LANG=C LC_ALL=C mono "$work/cs_example.exe" > "$work/cs_example.out" \
        || { cat "$work/cs_example.out"; return 1; }
    tail -n 1 "$work/cs_example.out"
}

failures=()
skipped=()
for binding in "${selected[@]}"; do
    echo "== $binding"
    start=$SECONDS
    if "test_$binding"; then
        if [[ " ${skipped[*]} " == *" $binding "* ]]; then
            echo "-- $binding SKIPPED"
        else
            echo "-- $binding passed ($((SECONDS - start)) s)"
        fi
    else
        echo "-- $binding FAILED ($((SECONDS - start)) s)"
        failures+=("$binding")
    fi
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "== bindings FAILED: ${failures[*]}"
    exit 1
fi
passed=()
for binding in "${selected[@]}"; do
    [[ " ${skipped[*]} " == *" $binding "* ]] || passed+=("$binding")
done
echo "== bindings passed: ${passed[*]:-none}${skipped[*]:+; SKIPPED: ${skipped[*]}}"
