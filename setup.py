"""Only for ``scrapyd-deploy``: ``setup.py bdist_egg`` builds the egg Scrapyd runs the spiders from.

pyproject.toml describes Kansenradar; ``pip install`` runs ``setup()`` below with nothing added. The egg holds the
``crawler`` package and the ``scrapy`` entry point naming its settings module, and nothing else: ``storage`` (whose
Alembic migrations are read from disk, which a zipped egg cannot offer), ``matcher``, ``jobs`` and every dependency
come from Kansenradar pip-installed beside Scrapyd on the worker.
"""

import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from setuptools import Distribution, find_packages, setup


class ScrapyProjectEgg(Distribution):
    """A distribution that reads no pyproject.toml or setup.cfg.

    setuptools applies pyproject.toml over setup()'s arguments: the egg would hold all of Kansenradar and lose the
    ``scrapy`` entry point.
    """

    def parse_config_files(self, filenames: object = None, ignore_option_errors: bool = False) -> None:
        super().parse_config_files(filenames=[], ignore_option_errors=ignore_option_errors)


if "bdist_egg" in sys.argv:
    version = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    # Build files go to a temporary folder and the egg-info folder (bdist_egg wants it in the tree) is removed
    # afterwards, so deploying leaves the work tree as it was.
    with tempfile.TemporaryDirectory(prefix="kansenradar-egg-") as work:
        setup(
            distclass=ScrapyProjectEgg,
            name="kansenradar-crawler",
            version=version,
            packages=find_packages(include=["crawler", "crawler.*"]),
            package_data={"crawler": ["py.typed"]},
            entry_points={"scrapy": ["settings = crawler.settings"]},
            zip_safe=True,
            options={"build": {"build_base": work}},
        )
    shutil.rmtree("kansenradar_crawler.egg-info", ignore_errors=True)
else:
    setup()
