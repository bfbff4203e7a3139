"""Maps the design's top-level folders onto one installed namespace.

jobs/ -> lakerefine.jobs, udfs/ -> lakerefine.udfs, schemas/ -> lakerefine.schemas,
conf/ -> lakerefine.conf (with its YAML, prompts and saved SQL as package data).
"""
from setuptools import find_packages, setup

LAYOUT = {"jobs": "lakerefine.jobs", "udfs": "lakerefine.udfs",
          "schemas": "lakerefine.schemas", "conf": "lakerefine.conf"}

packages, package_dir = [], {}
for folder, name in LAYOUT.items():
    package_dir[name] = folder
    packages += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={
        "lakerefine.conf": ["*.yaml", "*.properties", "prompts/*.txt", "queries/*.sql"],
        "lakerefine.udfs.classifier": ["models/*.json", "models/*.md"],
    },
)
