#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tar/entry_order.h"

using namespace venv2docker;

namespace {

// path_less as its definition says: bytes compared with '/' lower than any other.
bool reference_less(const std::string& a, const std::string& b) {
  const auto map = [](char c) { return c == '/' ? 0 : static_cast<unsigned char>(c); };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [&](char x, char y) { return map(x) < map(y); });
}

std::string random_path(std::mt19937& random) {
  // Long shared prefixes, as a venv's paths have, then a few bytes of '/', '-', '.', letters and non-ASCII.
  static const std::string alphabet = "/-.ab\xc3\xa9Z0";
  std::string path = "/opt/venv/lib/python3.11/site-packages/";
  const std::size_t length = random() % 24;
  for (std::size_t i = 0; i < length; ++i) path += alphabet[random() % alphabet.size()];
  return path;
}

}  // namespace

TEST_CASE("entry order: path_less is the byte order with '/' first, whatever the shared prefix", "[entry_order]") {
  std::mt19937 random(17);
  std::vector<std::string> paths = {"/a/b", "/a-b", "/a", "/a/", "/opt/venv/lib", "/opt/venv/lib/python3.11/x"};
  for (int i = 0; i < 400; ++i) paths.push_back(random_path(random));
  for (const auto& a : paths) {
    for (const auto& b : paths) {
      INFO(a << " < " << b);
      REQUIRE(path_less(a, b) == reference_less(a, b));
    }
  }
  CHECK(path_less("/a/b", "/a-b"));
}

TEST_CASE("entry order: sort_mostly_sorted gives std::stable_sort's order", "[entry_order]") {
  std::mt19937 random(18);
  using Item = std::pair<std::string, int>;  // the path, and its place before sorting
  const auto less = [](const Item& a, const Item& b) { return path_less(a.first, b.first); };
  for (int round = 0; round < 200; ++round) {
    std::vector<Item> items;
    const std::size_t head = random() % 60;
    const std::size_t tail = random() % 20;
    for (std::size_t i = 0; i < head + tail; ++i) items.emplace_back(random_path(random), 0);
    std::stable_sort(items.begin(), items.begin() + static_cast<long>(head), less);  // a sorted head, equal paths included
    for (std::size_t i = 0; i < items.size(); ++i) items[i].second = static_cast<int>(i);
    std::vector<Item> expected = items;
    std::stable_sort(expected.begin(), expected.end(), less);
    sort_mostly_sorted(items.begin(), items.end(), less);
    REQUIRE(items == expected);
  }
}
