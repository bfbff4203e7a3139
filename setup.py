"""Maps the design's top-level folders onto one installed namespace.

jobs/ -> lakerefine.jobs, udfs/ -> lakerefine.udfs, schemas/ -> lakerefine.schemas,
conf/ -> lakerefine.conf (with its YAML, prompts and saved SQL as package data).
"""
from setuptools import find_packages, setup

LAYOUT = {"jobs": "lakerefine.jobs", "udfs": "lakerefine.udfs",
          "schemas": "lakerefine.schemas", "conf": "lakerefine.conf"}

# Package data per package; the folders that hold data only (prompts, queries, templates, models) are listed
# as packages of their own, as setuptools asks of any importable folder.
PACKAGE_DATA = {
    "lakerefine.conf": ["*.yaml", "*.properties"],
    "lakerefine.conf.prompts": ["*.txt"],
    "lakerefine.conf.queries": ["*.sql"],
    "lakerefine.udfs.report.templates": ["*.j2"],
    "lakerefine.udfs.classifier.models": ["*.json", "*.md"],
}

packages, package_dir = [], {}
for folder, name in LAYOUT.items():
    package_dir[name] = folder
    packages += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]
packages += [name for name in PACKAGE_DATA if name not in packages]

setup(packages=packages, package_dir=package_dir, package_data=PACKAGE_DATA)
