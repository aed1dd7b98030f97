// apt's configuration files, the Release file and maintainer scripts, read
// the way apt and dpkg read them.
#include <catch2/catch.hpp>

#include <fstream>

#include "debian/apt_sources.h"
#include "debian/maintainer_scripts.h"
#include "debian/openpgp_verify.h"
#include "debian/release_file.h"
#include "temp_dir.h"
#include "util/error.h"
#include "util/process.h"
#include "util/text_util.h"

using namespace venv2docker;
using namespace venv2docker::debian;

TEST_CASE("one-line sources: deb lines with options, deb-src and other architectures left out") {
  auto sources = parse_source_lines(
      "# comment\n"
      "deb http://deb.debian.org/debian/ bookworm main contrib\n"
      "deb-src http://deb.debian.org/debian bookworm main\n"
      "deb [arch=arm64] http://ports.example/debian bookworm main\n"
      "deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg trusted=yes ] https://x.example/apt stable main # tail\n",
      "/etc/apt/sources.list", "amd64");
  REQUIRE(sources.size() == 2);
  CHECK(sources[0].uri == "http://deb.debian.org/debian");
  CHECK(sources[0].suite == "bookworm");
  CHECK(sources[0].components == std::vector<std::string>{"main", "contrib"});
  CHECK(sources[0].signed_by.empty());
  CHECK(sources[0].origin == "/etc/apt/sources.list line 2");
  CHECK(sources[1].uri == "https://x.example/apt");
  CHECK(sources[1].signed_by == std::vector<std::string>{"/usr/share/keyrings/x.gpg"});
  CHECK(sources[1].trusted);
}

TEST_CASE("one-line sources: malformed lines and unsupported archives are errors naming the line") {
  CHECK_THROWS_WITH(parse_source_lines("deb http://x.example\n", "f.list", "amd64"),
                    Catch::Contains("f.list line 1") && Catch::Contains("URI and a suite"));
  CHECK_THROWS_WITH(parse_source_lines("\ndeb cdrom:[Debian]/ bookworm main\n", "f.list", "amd64"),
                    Catch::Contains("f.list line 2") && Catch::Contains("http"));
  CHECK_THROWS_WITH(parse_source_lines("deb http://x.example/ ./\n", "f.list", "amd64"),
                    Catch::Contains("flat repositories"));
  CHECK_THROWS_WITH(parse_source_lines("rpm http://x.example/ a b\n", "f.list", "amd64"),
                    Catch::Contains("not a deb or deb-src line"));
}

TEST_CASE("deb822 sources: every URI and suite, Enabled and Types honoured, inline keys kept") {
  auto sources = parse_source_paragraphs(
      "Types: deb deb-src\n"
      "URIs: http://deb.debian.org/debian\n"
      "Suites: bookworm bookworm-updates\n"
      "Components: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
      "\n"
      "Types: deb-src\nURIs: http://a.example\nSuites: s\nComponents: main\n"
      "\n"
      "Types: deb\nURIs: http://b.example\nSuites: s\nComponents: main\nEnabled: no\n"
      "\n"
      "Types: deb\nURIs: http://c.example\nSuites: s\nComponents: main\n"
      "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n QUJD\n -----END PGP PUBLIC KEY BLOCK-----\n",
      "/etc/apt/sources.list.d/debian.sources", "amd64");
  REQUIRE(sources.size() == 3);
  CHECK(sources[0].suite == "bookworm");
  CHECK(sources[1].suite == "bookworm-updates");
  CHECK(sources[1].signed_by == std::vector<std::string>{"/usr/share/keyrings/debian-archive-keyring.gpg"});
  CHECK(sources[2].uri == "http://c.example");
  REQUIRE(sources[2].signed_by.size() == 1);
  CHECK(sources[2].signed_by[0] == "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nQUJD\n-----END PGP PUBLIC KEY BLOCK-----\n");
  CHECK(dearmor(sources[2].signed_by[0], "inline") == "ABC");
}

TEST_CASE("Release: SHA256 list read, a missing list or an expired file refused") {
  ReleaseFile release = parse_release(
      "Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: Sat, 10 Jun 2023 08:56:49 UTC\n"
      "MD5Sum:\n 0123 12 main/binary-amd64/Packages\n"
      "SHA256:\n"
      " 2b8bc2d6e8e0c3f2d4b4f7e0b4b1a4a6d1b3e7f4a2c1b9d8e7f6a5b4c3d2e1f0 1234 main/binary-amd64/Packages.xz\n"
      " 0000000000000000000000000000000000000000000000000000000000000000 0 main/binary-amd64/Packages\n",
      "http://x.example/dists/bookworm/InRelease");
  CHECK(release.codename == "bookworm");
  REQUIRE(release.files.count("main/binary-amd64/Packages.xz"));
  CHECK(release.files.at("main/binary-amd64/Packages.xz").size == 1234);
  CHECK_THROWS_WITH(parse_release("Suite: s\nMD5Sum:\n 0123 12 a\n", "R"), Catch::Contains("no SHA256"));
  CHECK_THROWS_WITH(parse_release("Suite: s\nValid-Until: Sat, 10 Jun 2000 08:56:49 UTC\nSHA256:\n", "R"),
                    Catch::Contains("expired"));
  CHECK_THROWS_WITH(parse_release("SHA256:\n zz 1 a\n", "R"), Catch::Contains("malformed SHA256 entry"));
}

TEST_CASE("Release: its Date read; the suite matched by Suite or Codename, as apt's CheckDist does") {
  ReleaseFile release = parse_release("Suite: stable\nCodename: bookworm\nDate: Sat, 10 Jun 2023 08:56:49 UTC\nSHA256:\n", "R");
  REQUIRE(release.date);
  CHECK(*release.date == 1686387409);
  CHECK(format_release_date(*release.date) == "Sat, 10 Jun 2023 08:56:49 UTC");
  CHECK(release_is_for_suite(release, "bookworm"));
  CHECK(release_is_for_suite(release, "stable"));
  CHECK(release_is_for_suite(release, "bookworm/updates"));  // the old security suites' spelling
  CHECK_FALSE(release_is_for_suite(release, "bullseye"));
  CHECK_FALSE(release_is_for_suite(release, "bookworm-updates"));
  CHECK_FALSE(release_is_for_suite(release, ""));
  CHECK_FALSE(parse_release("Suite: s\nSHA256:\n", "R").date);
  CHECK_THROWS_WITH(parse_release("Date: yesterday\nSHA256:\n", "R"), Catch::Contains("cannot read its Date"));
  // A size past 64 bits is a malformed entry, not an exception of another kind.
  CHECK_THROWS_WITH(parse_release("SHA256:\n " + std::string(64, 'a') + " 99999999999999999999999 a\n", "R"),
                    Catch::Contains("malformed SHA256 entry"));
}

TEST_CASE("Release: NotAutomatic and ButAutomaticUpgrades set apt's default pin priority") {
  const auto pin_of = [](const std::string& fields) { return parse_release(fields + "SHA256:\n", "R").pin_priority; };
  CHECK(pin_of("Suite: stable\n") == 500);
  // bookworm-backports, as Debian's mirror serves it.
  CHECK(pin_of("Suite: oldstable-backports\nNotAutomatic: yes\nButAutomaticUpgrades: yes\n") == 100);
  CHECK(pin_of("Suite: experimental\nNotAutomatic: yes\n") == 1);
  CHECK(pin_of("Suite: odd\nNotAutomatic: no\nButAutomaticUpgrades: yes\n") == 500);
}

TEST_CASE("postinst: update-alternatives with options before --install") {
  // As some packages write it, and every option update-alternatives(1) takes that changes nothing here.
  PostinstAnalysis quiet = analyse_postinst(
      "update-alternatives --quiet --install /usr/bin/x-www-browser x-www-browser /usr/bin/lynx 25\n"
      "update-alternatives --force --verbose --log /var/log/alternatives.log --altdir /etc/alternatives "
      "--admindir /var/lib/dpkg/alternatives/ --install /usr/bin/pager pager /usr/bin/less 77 "
      "--slave /usr/share/man/man1/pager.1.gz pager.1.gz /usr/share/man/man1/less.1.gz\n"
      "update-alternatives --log=/tmp/ua.log --install /usr/bin/awk awk /usr/bin/mawk 5 --quiet\n");
  CHECK_FALSE(quiet.unhandled);
  REQUIRE(quiet.alternatives.size() == 3);
  CHECK(quiet.alternatives[0].link == "/usr/bin/x-www-browser");
  CHECK(quiet.alternatives[0].path == "/usr/bin/lynx");
  CHECK(quiet.alternatives[0].priority == 25);
  CHECK(quiet.alternatives[1].name == "pager");
  CHECK(quiet.alternatives[1].priority == 77);
  REQUIRE(quiet.alternatives[1].slaves.size() == 1);
  CHECK(quiet.alternatives[1].slaves[0].path == "/usr/share/man/man1/less.1.gz");
  CHECK(quiet.alternatives[2].name == "awk");

  // Links and records elsewhere than where the layer writes them, an unknown
  // option or a priority that is not a number: left for a real run, and said so.
  for (const char* line : {"update-alternatives --altdir /opt/alt --install /usr/bin/a a /usr/bin/b 1",
                           "update-alternatives --admindir=/srv/adm --install /usr/bin/a a /usr/bin/b 1",
                           "update-alternatives --frobnicate --install /usr/bin/a a /usr/bin/b 1",
                           "update-alternatives --quiet --install /usr/bin/a a /usr/bin/b high",
                           "update-alternatives --quiet --install /usr/bin/a a /usr/bin/b",
                           "update-alternatives --install /usr/bin/a a /usr/bin/b 1 --slave /x x"}) {
    INFO(line);
    const PostinstAnalysis analysis = analyse_postinst(line);
    CHECK(analysis.alternatives.empty());
    REQUIRE(analysis.unhandled);
    CHECK(*analysis.unhandled == line);
  }
}

TEST_CASE("postinst: a Latin-1 script is read as bytes") {
  // exim4-config's maintainer scripts hold Latin-1 comments.
  const std::string script = "#!/bin/sh\nset -e\n# r\xe9sum\xe9 of the changes\n"
                             "update-alternatives --quiet --install /usr/bin/a a /usr/bin/b 1\n"
                             "echo 'Gr\xfc\xdf" "e' > /etc/greeting\n";
  const PostinstAnalysis analysis = analyse_postinst(script);
  REQUIRE(analysis.alternatives.size() == 1);
  REQUIRE(analysis.unhandled);
  CHECK(*analysis.unhandled == "echo 'Gr\xfc\xdf" "e' > /etc/greeting");
  // As a message (which may go into --json): valid UTF-8, the bytes spelled out.
  CHECK(utf8_for_message(*analysis.unhandled) == "echo 'Gr\\xFC\\xDFe' > /etc/greeting");
  CHECK(utf8_for_message("gr\xc3\xbc\xc3\x9f") == "gr\xc3\xbc\xc3\x9f");
}

TEST_CASE("postinst: update-alternatives emulated, ldconfig and templates harmless, the rest reported") {
  PostinstAnalysis blas = analyse_postinst(
      "#!/bin/sh\n\nset -e\n\nupdate-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 \\\n"
      "                    libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 10\n\n\n\nexit 0\n");
  REQUIRE(blas.alternatives.size() == 1);
  CHECK(blas.alternatives[0].link == "/usr/lib/x86_64-linux-gnu/libblas.so.3");
  CHECK(blas.alternatives[0].name == "libblas.so.3-x86_64-linux-gnu");
  CHECK(blas.alternatives[0].path == "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");
  CHECK(blas.alternatives[0].priority == 10);
  CHECK_FALSE(blas.unhandled);

  PostinstAnalysis slaves = analyse_postinst(
      "update-alternatives --install /usr/bin/editor editor /usr/bin/vim 50 --slave /usr/share/man/man1/editor.1 "
      "editor.1 /usr/share/man/man1/vim.1\n");
  REQUIRE(slaves.alternatives.size() == 1);
  REQUIRE(slaves.alternatives[0].slaves.size() == 1);
  CHECK(slaves.alternatives[0].slaves[0].name == "editor.1");

  CHECK_FALSE(analyse_postinst("#!/bin/sh\nset -e\n# Automatically added by dh_makeshlibs\n"
                               "if [ \"$1\" = \"configure\" ]; then\n\tldconfig\nfi\n")
                  .unhandled);
  PostinstAnalysis service = analyse_postinst("#!/bin/sh\nset -e\nadduser --system foo\nsystemctl enable foo\n");
  REQUIRE(service.unhandled);
  CHECK(*service.unhandled == "adduser --system foo");
}

namespace {

// A throwaway signing key in its own GnuPG home, as the tests' archives use.
struct TestSigner {
  test::TempDir home;
  std::string email;
  explicit TestSigner(std::string address) : email(std::move(address)) {
    REQUIRE(gpg({"--passphrase", "", "--quick-gen-key", email, "ed25519", "sign", "never"}).exit_code == 0);
  }
  ProcessResult gpg(std::vector<std::string> args, const std::string& input = {}) const {
    args.insert(args.begin(), {"gpg", "--batch", "--homedir", home.path().string()});
    return run_process(args, ChildEnvironment::bare, std::size_t{1} << 20, input);
  }
  Keyring keyring(bool armored) const {
    ProcessResult exported = armored ? gpg({"--armor", "--export", email}) : gpg({"--export", email});
    REQUIRE(exported.exit_code == 0);
    return {email, exported.out};
  }
  std::string clearsign(const std::string& text) const {
    ProcessResult signed_text = gpg({"--clearsign", "--local-user", email}, text);
    REQUIRE(signed_text.exit_code == 0);
    return signed_text.out;
  }
};

}  // namespace

TEST_CASE("dearmor turns a key exported by gpg --armor into the bytes gpg --export gives") {
  TestSigner signer("test@v2d.invalid");
  Keyring binary = signer.keyring(false);
  Keyring armored = signer.keyring(true);
  REQUIRE(armored.bytes.find("BEGIN PGP PUBLIC KEY BLOCK") != std::string::npos);
  CHECK(dearmor(armored.bytes, "key.asc") == binary.bytes);
  CHECK(dearmor(binary.bytes, "key.gpg") == binary.bytes);
}

TEST_CASE("gpgv: a clear-signed Release verifies against its key, not after a change or against another key") {
  TestSigner archive("archive@v2d.invalid");
  TestSigner stranger("stranger@v2d.invalid");
  const std::string text = "Suite: stable\nSHA256:\n";
  std::string signed_text = archive.clearsign(text);
  test::TempDir scratch;
  CHECK(verify_clearsigned(signed_text, {archive.keyring(true)}, "http://x/InRelease", scratch.path()) == text);
  std::string altered = signed_text;
  altered.replace(altered.find("stable"), 6, "stabl3");
  CHECK_THROWS_WITH(verify_clearsigned(altered, {archive.keyring(false)}, "http://x/InRelease", scratch.path()),
                    Catch::Contains("signature of http://x/InRelease"));
  CHECK_THROWS_WITH(verify_clearsigned(signed_text, {stranger.keyring(false)}, "http://x/InRelease", scratch.path()),
                    Catch::Contains("signature"));
  CHECK_THROWS_WITH(verify_clearsigned(signed_text, {}, "http://x/InRelease", scratch.path()),
                    Catch::Contains("no keyring"));
}
