// The SBOM's parts: core metadata headers, the declared license in its order
// of precedence, purls, dpkg's installed packages, and the document's
// determinism.
#include <catch2/catch.hpp>

#include "build/image_sbom.h"
#include "sbom/purl.h"
#include "sbom/python_license.h"
#include "sbom/sbom_sources.h"
#include "sbom/spdx_document.h"
#include "venv/core_metadata.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "temp_dir.h"

using namespace venv2docker;

TEST_CASE("core metadata: headers up to the description, continuation lines, repeated classifiers", "[sbom]") {
  const CoreMetadata metadata = parse_core_metadata(
      "Metadata-Version: 2.1\r\nName: Foo_Bar\nVersion: 1.0+local\nLicense: Copyright (c) me\n"
      "        All rights reserved.\nClassifier: License :: OSI Approved :: MIT License\n"
      "Classifier: Programming Language :: Python\n\nLicense: in the description, not a header\n");
  CHECK(metadata.name == "Foo_Bar");
  CHECK(metadata.version == "1.0+local");
  CHECK(metadata.license == "Copyright (c) me\nAll rights reserved.");
  CHECK(metadata.classifiers.size() == 2);
}

TEST_CASE("declared license: License-Expression, else License, else classifiers", "[sbom]") {
  CoreMetadata metadata;
  metadata.license_expression = "MIT OR Apache-2.0";
  metadata.license = "BSD";
  metadata.classifiers = {"License :: OSI Approved :: ISC License (ISCL)"};
  CHECK(declared_license(metadata).expression == "MIT OR Apache-2.0");

  metadata.license_expression.clear();
  const DeclaredLicense text = declared_license(metadata);
  CHECK(text.expression.starts_with("LicenseRef-"));
  CHECK(text.text == "BSD");
  metadata.license = "apache-2.0";
  CHECK(declared_license(metadata).expression == "Apache-2.0");

  metadata.license = "UNKNOWN";
  CHECK(declared_license(metadata).expression == "ISC");
  metadata.classifiers.push_back("License :: OSI Approved :: BSD License");
  const DeclaredLicense mixed = declared_license(metadata);
  CHECK(mixed.expression == "ISC OR " + license_ref_for("License :: OSI Approved :: BSD License"));
  CHECK(mixed.text == "License :: OSI Approved :: BSD License");

  CHECK(declared_license(CoreMetadata{}).expression == "NOASSERTION");
}

TEST_CASE("purls: PEP 503 names, encoded versions, the Debian architecture", "[sbom]") {
  CHECK(pypi_purl("Foo__Bar.baz", "1.0+local") == "pkg:pypi/foo-bar-baz@1.0%2Blocal");
  CHECK(deb_purl("libc6", "2.36-9+deb12u4", "amd64") == "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64");
  CHECK(deb_purl("perl", "1:5.36", "") == "pkg:deb/debian/perl@1%3A5.36");
}

TEST_CASE("dpkg packages: the installed entries only, sorted", "[sbom]") {
  const std::vector<SbomPackage> packages = dpkg_packages(
      "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
      "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2\nDescription: a\n more\n",
      "status");
  REQUIRE(packages.size() == 2);
  CHECK(packages[0].name == "bash");
  CHECK(packages[1].purl == "pkg:deb/debian/zlib1g@1%3A1.2.13?arch=amd64");
}

TEST_CASE("interpreter package: the release, in whichever spelling pyvenv.cfg has it", "[sbom]") {
  Venv venv;
  venv.python_version = "3.11";
  CHECK(interpreter_package(venv).version == "3.11");  // no version in pyvenv.cfg: lib/python3.X's
  venv.config["version_info"] = "3.11.2.final.0";     // virtualenv's
  CHECK(interpreter_package(venv).purl == "pkg:generic/python@3.11.2");
  venv.config["version_info"] = "3.12.0rc1";
  CHECK(interpreter_package(venv).version == "3.12.0rc1");
  venv.config["version"] = "3.11.7";  // python -m venv's, preferred
  CHECK(interpreter_package(venv).version == "3.11.7");
}

TEST_CASE("spdx document: same inputs, same bytes; license texts extracted once", "[sbom]") {
  SbomPackage a{"a", "1", pypi_purl("a", "1"), license_ref_for("Mine"), "Mine", "python"};
  SbomPackage b{"b", "2", pypi_purl("b", "2"), license_ref_for("Mine"), "Mine", "python"};
  const SbomSubject image{"registry.example/app", "1.0", sha256_of("manifest")};
  const std::string document = spdx_document(image, 946684800, {a, b});
  CHECK(document == spdx_document(image, 946684800, {a, b}));
  const nlohmann::json parsed = nlohmann::json::parse(document);
  CHECK(parsed["creationInfo"]["created"] == "2000-01-01T00:00:00Z");
  CHECK(parsed["packages"].size() == 3);
  CHECK(parsed["hasExtractedLicensingInfos"].size() == 1);
  CHECK(std::string(parsed["documentNamespace"]).ends_with(std::string(image.manifest.hex())));
}

TEST_CASE("image packages: dpkg's status (the base's, or --apt's listing both), then the venv's distributions", "[sbom]") {
  test::TempDir dir;
  Venv venv;
  venv.site_packages = dir.path() / "site-packages";
  std::filesystem::create_directories(venv.site_packages / "Foo-1.0.dist-info");
  std::ofstream(venv.site_packages / "Foo-1.0.dist-info" / "METADATA") << "Name: Foo\nVersion: 1.0\nLicense: MIT\n";
  IndexedFile status;
  status.content = "Package: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n";

  const std::vector<SbomPackage> from_base = image_packages(venv, status.content, false);
  REQUIRE(from_base.size() == 2);
  CHECK(from_base[0].name == "bash");
  CHECK(from_base[1].purl == "pkg:pypi/foo@1.0");
  CHECK(from_base[1].license == "MIT");

  AptLayerContents apt;
  LayerEntry merged;
  merged.path = "/var/lib/dpkg/status";
  merged.content = *status.content + "\nPackage: jq\nStatus: install ok installed\nVersion: 1.6-2.1\nArchitecture: amd64\n";
  apt.entries.push_back(merged);
  const std::vector<SbomPackage> with_apt = image_packages(venv, apt_dpkg_status(apt), false);
  REQUIRE(with_apt.size() == 3);
  CHECK(with_apt[1].purl == "pkg:deb/debian/jq@1.6-2.1?arch=amd64");
}
