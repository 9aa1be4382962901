"""The page's browser-side files, kept on this machine so the page works without internet.

Solara's page loads its front-end (the Vuetify app, RequireJS, Font Awesome) through its own
server from a CDN on first use and keeps a copy in its asset cache. A classroom network may
have no internet, so `python run.py app` fills that cache beforehand from the npm registry
with npm's ordinary client (`npm pack`), once; later starts find the files and fetch nothing.
The package versions are read from the installed Solara, so an upgrade asks for the right ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE_IN_URL = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d[\w.+-]*)/")
NPM_TIMEOUT_S = 300


def solara_template() -> Path:
    import solara.server

    return Path(solara.server.__file__).parent / "templates" / "solara.html.j2"


def required_packages() -> list[str]:
    """npm `name@version` of every front-end package the installed Solara's page loads."""
    import ipyvue
    import solara.server.settings as solara_settings

    vue3 = ipyvue.__version__.startswith("3")
    app = "solara-vuetify3-app" if vue3 else "solara-vuetify-app"
    found = PACKAGE_IN_URL.findall(solara_template().read_text(encoding="utf-8"))
    wanted = [spec for spec in found if "solara-vuetify" not in spec or f"/{app}@" in spec]
    if solara_settings.assets.fontawesome_enabled:
        wanted.append(solara_settings.assets.fontawesome_path.strip("/").split("/")[0])
    return list(dict.fromkeys(wanted))


def cache_folder() -> Path:
    import solara.server.settings as solara_settings

    return Path(solara_settings.assets.proxy_cache_dir)


def missing_packages(cache: Path | None = None) -> list[str]:
    cache = cache or cache_folder()
    return [spec for spec in required_packages() if not (cache / spec / "package.json").is_file()]


def install_package(spec: str, cache: Path) -> None:
    """Fetch one npm package with `npm pack` and unpack it where Solara's cache expects it."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed")
    with tempfile.TemporaryDirectory() as work:
        done = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", work], capture_output=True,
            text=True, timeout=NPM_TIMEOUT_S, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {spec} failed: {done.stderr.strip()[-300:]}")
        archive = next(Path(work).glob("*.tgz"), None)
        if archive is None:
            raise RuntimeError(f"npm pack {spec} wrote no package")
        target = cache / spec
        staging = Path(tempfile.mkdtemp(prefix=".incomplete-", dir=cache))
        try:
            with tarfile.open(archive) as bundle:
                bundle.extractall(staging, filter="data")
            unpacked = staging / "package"
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            unpacked.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def ensure_page_assets(report=print) -> bool:
    """Put any missing front-end package in Solara's cache; False if some could not be had."""
    cache = cache_folder()
    missing = missing_packages(cache)
    if not missing:
        return True
    cache.mkdir(parents=True, exist_ok=True)
    report(f"Fetching the page's browser files once (npm): {', '.join(missing)}")
    complete = True
    for spec in missing:
        try:
            install_package(spec, cache)
        except (RuntimeError, OSError, subprocess.SubprocessError, ValueError,
                tarfile.TarError) as error:
            complete = False
            report(f"warning: could not fetch {spec} ({error}); the page will try the "
                   "internet instead when it opens")
    return complete
