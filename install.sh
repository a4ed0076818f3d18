#!/bin/sh
# Installs libciclo for C and C++ hosts (Linux and other ELF systems):
#
#   PREFIX/lib/libciclo.so.A.X.Y.Z        the shared library (A: CICLO_ABI_VERSION,
#   PREFIX/lib/libciclo.so.A -> ...         X.Y.Z: the crate's version; the soname is
#   PREFIX/lib/libciclo.so -> libciclo.so.A libciclo.so.A)
#   PREFIX/lib/libciclo.a                 the static library
#   PREFIX/include/ciclo.h                the C header (and ciclo.hpp, the C++ one)
#   PREFIX/lib/pkgconfig/ciclo.pc         for `pkg-config --cflags --libs ciclo`
#   PREFIX/lib/cmake/ciclo/               for CMake's `find_package(ciclo)`:
#                                         targets ciclo::ciclo and ciclo::ciclo_static
#   PREFIX/share/ciclo/ciclo.supp         valgrind suppressions for the lookup
#                                         tables built once per process
#   PREFIX/share/doc/ciclo/               README and licences
#
# usage: sh install.sh [--prefix DIR] [--libdir DIR] [--includedir DIR]
#                      [--datadir DIR] [--destdir DIR] [--from DIR]
#
#   --prefix DIR      where to install (default: $PREFIX, else /usr/local)
#   --libdir DIR      libraries (default: PREFIX/lib; e.g. PREFIX/lib/x86_64-linux-gnu)
#   --includedir DIR  headers (default: PREFIX/include)
#   --datadir DIR     suppressions and documents (default: PREFIX/share)
#   --destdir DIR     staging root for packagers (default: $DESTDIR): files go
#                     to DESTDIR/PREFIX/..., and the paths written into the
#                     pkg-config and CMake files are PREFIX/... without it
#   --from DIR        install the libciclo.so and libciclo.a found in DIR instead
#                     of building them (`cargo build --release --lib -p ciclo`,
#                     which this script runs otherwise; a no-op when up to date)
#
# Without --from it needs cargo and a C compiler; with it, only a POSIX shell and
# coreutils (install, ln, od, sed). Afterwards, as root on a system prefix: ldconfig.
set -eu

usage() {
    sed -n '/^# usage:/,/^set -eu/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

root=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
libdir= includedir= datadir= from=

while [ $# -gt 0 ]; do
    case $1 in
        --prefix | --libdir | --includedir | --datadir | --destdir | --from)
            [ $# -ge 2 ] || die "$1 needs a value"
            value=$2
            option=$1
            shift 2
            ;;
        --prefix=* | --libdir=* | --includedir=* | --datadir=* | --destdir=* | --from=*)
            option=${1%%=*}
            value=${1#*=}
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            die "unknown argument \`$1\` (see sh install.sh --help)"
            ;;
    esac
    [ -n "$value" ] || die "$option needs a value"
    case $option in
        --prefix) prefix=$value ;;
        --libdir) libdir=$value ;;
        --includedir) includedir=$value ;;
        --datadir) datadir=$value ;;
        --destdir) destdir=$value ;;
        --from) from=$value ;;
    esac
done

# Absolute paths: they are written into ciclo.pc and the CMake files.
absolute() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}
prefix=$(absolute "$prefix")
prefix=${prefix%/}
libdir=$(absolute "${libdir:-$prefix/lib}")
includedir=$(absolute "${includedir:-$prefix/include}")
datadir=$(absolute "${datadir:-$prefix/share}")

# Versions, from the header the library was built with.
header=$root/include/ciclo.h
[ -f "$header" ] || die "$header not found"
define() {
    sed -n "s/^#define $1 \([0-9][0-9]*\)\$/\1/p" "$header"
}
abi=$(define CICLO_ABI_VERSION)
version=$(define CICLO_VERSION_MAJOR).$(define CICLO_VERSION_MINOR).$(define CICLO_VERSION_PATCH)
[ -n "$abi" ] || die "$header has no CICLO_ABI_VERSION"
case $version in *..* | .* | *.) die "$header has no complete CICLO_VERSION_*" ;; esac

if [ -z "$from" ]; then
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust 1.85 or later, or pass --from DIR"
    echo "building: cargo build --release --lib -p ciclo"
    (cd "$root" && cargo build --release --lib -p ciclo)
    from=${CARGO_TARGET_DIR:-$root/target}/release
    case $from in /*) ;; *) from=$root/$from ;; esac
fi
shared=$from/libciclo.so
static=$from/libciclo.a
[ -f "$shared" ] || die "$shared not found"
[ -f "$static" ] || die "$static not found"

# A library built before the soname existed (or for another ABI) would make
# programs that cannot find it at run time: refuse it.
soname=libciclo.so.$abi
if command -v readelf >/dev/null 2>&1; then
    found=$(readelf -d "$shared" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    [ "$found" = "$soname" ] ||
        die "$shared has soname \`$found\`, expected \`$soname\` (rebuild it: cargo build --release --lib)"
fi

# The library's pointer size, from its ELF class (byte 4: 1 for 32-bit, 2 for
# 64-bit), for the CMake version check.
case $(od -An -tu1 -j4 -N1 "$shared" | tr -d ' ') in
    1) pointer=4 ;;
    2) pointer=8 ;;
    *) die "$shared is not an ELF shared library" ;;
esac

# Where the CMake package finds the rest: relative to itself when everything is
# under the prefix (so a copied or DESTDIR-staged tree still works), else absolute.
cmakedir=$libdir/cmake/ciclo
if [ "${libdir#"$prefix"/}" != "$libdir" ] && [ "${includedir#"$prefix"/}" != "$includedir" ] &&
    [ "${datadir#"$prefix"/}" != "$datadir" ]; then
    up=$(printf '%s\n' "${cmakedir#"$prefix"/}" | sed 's#[^/][^/]*#..#g')
    cmake_prefix="\${CMAKE_CURRENT_LIST_DIR}/$up"
    cmake_libdir="\${_ciclo_prefix}/${libdir#"$prefix"/}"
    cmake_includedir="\${_ciclo_prefix}/${includedir#"$prefix"/}"
    cmake_datadir="\${_ciclo_prefix}/${datadir#"$prefix"/}"
else
    cmake_prefix=$prefix
    cmake_libdir=$libdir
    cmake_includedir=$includedir
    cmake_datadir=$datadir
fi

# In pkg-config files, paths under the prefix are written with ${prefix}.
pc_path() {
    case $1 in
        "$prefix"/*) printf '${prefix}/%s\n' "${1#"$prefix"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

stage() {
    printf '%s%s\n' "$destdir" "$1"
}

install -d "$(stage "$libdir")" "$(stage "$includedir")" "$(stage "$libdir/pkgconfig")" \
    "$(stage "$cmakedir")" "$(stage "$datadir/ciclo")" "$(stage "$datadir/doc/ciclo")"

real=libciclo.so.$abi.$version
install -m 755 "$shared" "$(stage "$libdir/$real")"
ln -sf "$real" "$(stage "$libdir/$soname")"
ln -sf "$soname" "$(stage "$libdir/libciclo.so")"
install -m 644 "$static" "$(stage "$libdir/libciclo.a")"

install -m 644 "$header" "$(stage "$includedir/ciclo.h")"
if [ -f "$root/include/ciclo.hpp" ]; then
    install -m 644 "$root/include/ciclo.hpp" "$(stage "$includedir/ciclo.hpp")"
fi

install -m 644 "$root/.ci/valgrind.supp" "$(stage "$datadir/ciclo/ciclo.supp")"
for doc in README.md LICENSE-MIT LICENSE-APACHE; do
    install -m 644 "$root/$doc" "$(stage "$datadir/doc/ciclo/$doc")"
done
# The one third-party dataset compiled into the library, with its notice.
install -m 644 "$root/src/standardize/names/data/LICENSE-APACHE" \
    "$(stage "$datadir/doc/ciclo/nicknames-LICENSE-APACHE")"
install -m 644 "$root/src/standardize/names/data/README.md" \
    "$(stage "$datadir/doc/ciclo/nicknames-README.md")"

cat >"$(stage "$libdir/pkgconfig/ciclo.pc")" <<EOF
prefix=$prefix
libdir=$(pc_path "$libdir")
includedir=$(pc_path "$includedir")
suppressions=$(pc_path "$datadir/ciclo/ciclo.supp")

Name: ciclo
Description: Embedded customer-lifecycle engine with a stable C ABI
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lciclo
Libs.private: -lpthread -ldl -lm
EOF

cat >"$(stage "$cmakedir/ciclo-config.cmake")" <<EOF
# CMake package for ciclo $version (ABI $abi), written by ciclo's install.sh.
#
#   find_package(ciclo 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE ciclo::ciclo)         # libciclo.so.$abi
#   target_link_libraries(app PRIVATE ciclo::ciclo_static)  # libciclo.a
#
# Also sets ciclo_ABI_VERSION and ciclo_VALGRIND_SUPPRESSIONS (the file to pass
# to valgrind --suppressions=...).

get_filename_component(_ciclo_prefix "$cmake_prefix" ABSOLUTE)
set(_ciclo_libdir "$cmake_libdir")
set(_ciclo_includedir "$cmake_includedir")

set(ciclo_ABI_VERSION $abi)
set(ciclo_VALGRIND_SUPPRESSIONS "$cmake_datadir/ciclo/ciclo.supp")

if(NOT TARGET ciclo::ciclo)
  add_library(ciclo::ciclo SHARED IMPORTED)
  set_target_properties(ciclo::ciclo PROPERTIES
    IMPORTED_LOCATION "\${_ciclo_libdir}/$real"
    IMPORTED_SONAME "$soname"
    INTERFACE_INCLUDE_DIRECTORIES "\${_ciclo_includedir}")
endif()

if(NOT TARGET ciclo::ciclo_static)
  add_library(ciclo::ciclo_static STATIC IMPORTED)
  set_target_properties(ciclo::ciclo_static PROPERTIES
    IMPORTED_LOCATION "\${_ciclo_libdir}/libciclo.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_ciclo_includedir}"
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()

unset(_ciclo_prefix)
unset(_ciclo_libdir)
unset(_ciclo_includedir)
EOF

cat >"$(stage "$cmakedir/ciclo-config-version.cmake")" <<EOF
# ciclo $version: compatible with a request for the same major version (for 0.x,
# the same minor one, as Cargo reads versions) that is not newer, in a build
# with the library's pointer size.
set(PACKAGE_VERSION "$version")
if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "$(define CICLO_VERSION_MAJOR)")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif("$(define CICLO_VERSION_MAJOR)" STREQUAL "0" AND NOT PACKAGE_FIND_VERSION_MINOR STREQUAL "$(define CICLO_VERSION_MINOR)")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "$pointer")
  set(PACKAGE_VERSION "$version ($((pointer * 8))-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
EOF

echo "installed ciclo $version (ABI $abi) into $destdir$prefix"
case $libdir in
    /usr/lib | /usr/lib/* | /lib | /lib/*) ;;
    *) echo "a program linked with -lciclo finds $soname at run time through ldconfig (if $libdir is in /etc/ld.so.conf), LD_LIBRARY_PATH=$libdir or -Wl,-rpath,$libdir" ;;
esac
