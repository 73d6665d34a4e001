# SPDX-License-Identifier: MIT
"""Build the tdx package against the installed libtdx.

The extension tdx._lowlevel (with tdx/lowlevel.py) is generated at build
time by SWIG from bindings/swig/python/tdx_python.i, which includes the
shared bindings/swig/tdx.i and the installed libtdx headers.  libtdx is
found with pkg-config (set PKG_CONFIG_PATH for a non-system prefix); the
extension's rpath points at its libdir, so no LD_LIBRARY_PATH is needed.

The SWIG interface is read from ../swig (a source checkout) or ./swig (an
sdist, which carries a copy).  Environment: SWIG (the swig program),
PKG_CONFIG (the pkg-config program).
"""

import os
import shlex
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
# The files the sdist carries, relative to the swig directory.
SWIG_FILES = ("tdx.i", os.path.join("python", "tdx_python.i"))


def swig_dir():
    for d in (os.path.join(HERE, "..", "swig"), os.path.join(HERE, "swig")):
        if all(os.path.isfile(os.path.join(d, f)) for f in SWIG_FILES):
            return os.path.normpath(d)
    raise SystemExit("tdx: the SWIG interface is neither in ../swig nor in ./swig "
                     "(build from the libtdx source tree or from an sdist)")


def _run(cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True).stdout.strip()


_PKG_CONFIG = []


def _pkg_config_cmd():
    """The pkg-config command line that finds libtdx's headers.

    A prefix installed with `cmake --install --prefix P` keeps the prefix
    it was configured with in libtdx.pc; libtdx.pc's paths are relative to
    ${prefix}, so --define-prefix (prefix from the .pc's location) finds
    such a tree when the plain answer has no headers.  $PKG_CONFIG, when
    set, is used as given.
    """
    if _PKG_CONFIG:
        return _PKG_CONFIG
    base = shlex.split(os.environ.get("PKG_CONFIG", "pkg-config"))
    choice = base
    if "PKG_CONFIG" not in os.environ:
        for cmd in (base, base + ["--define-prefix"]):
            try:
                inc = _run(cmd + ["--variable=includedir", "libtdx"])
            except (OSError, subprocess.CalledProcessError):
                break
            if os.path.isfile(os.path.join(inc, "tdx", "tdx.h")):
                choice = cmd
                break
    _PKG_CONFIG.extend(choice)
    return _PKG_CONFIG


def pkg_config(*args):
    cmd = _pkg_config_cmd() + list(args) + ["libtdx"]
    try:
        return _run(cmd)
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        raise SystemExit("tdx: `%s` failed: %s\nInstall libtdx, or point PKG_CONFIG_PATH at "
                         "its lib/pkgconfig directory." % (" ".join(cmd), detail.strip()))


class BuildExt(build_ext):
    """Run SWIG first: tdx_wrap.c into build_temp, lowlevel.py into the package."""

    def run(self):
        sdir = swig_dir()
        includes = shlex.split(pkg_config("--cflags-only-I"))
        wrap_dir = os.path.join(self.build_temp, "swig")
        os.makedirs(wrap_dir, exist_ok=True)
        if self.inplace:
            py_dir = os.path.join(HERE, "tdx")
        else:
            py_dir = os.path.join(self.build_lib, "tdx")
        os.makedirs(py_dir, exist_ok=True)
        wrap_c = os.path.join(wrap_dir, "tdx_python_wrap.c")
        swig = shlex.split(os.environ.get("SWIG", "swig"))
        cmd = swig + ["-python", "-I" + sdir] + includes + [
            "-outdir", py_dir, "-o", wrap_c, os.path.join(sdir, "python", "tdx_python.i")]
        print(" ".join(cmd))
        try:
            subprocess.run(cmd, check=True)
        except OSError as e:
            raise SystemExit("tdx: cannot run %s (%s); install SWIG >= 4 or set SWIG"
                             % (swig[0], e))

        libdir = pkg_config("--variable=libdir")
        for ext in self.extensions:
            ext.sources = [wrap_c]
            ext.extra_compile_args = shlex.split(pkg_config("--cflags"))
            ext.extra_link_args = shlex.split(pkg_config("--libs")) + ["-Wl,-rpath," + libdir]
        super().run()


class Sdist(sdist):
    """Carry a copy of the SWIG interface in ./swig of the sdist."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        sdir = swig_dir()
        for f in SWIG_FILES:
            dst = os.path.join(base_dir, "swig", f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(sdir, f), dst)


setup(
    version=pkg_config("--modversion"),
    packages=["tdx"],
    # sources are set by BuildExt once SWIG has written the wrapper
    ext_modules=[Extension("tdx._lowlevel", sources=[])],
    cmdclass={"build_ext": BuildExt, "sdist": Sdist},
)
