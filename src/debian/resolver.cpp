#include "debian/resolver.h"

#include <map>
#include <optional>
#include <set>

#include "debian/resolver_state.h"
#include "debian/version.h"
#include "venv2docker/error.h"

namespace venv2docker::debian {

namespace {

// A relation that cannot be met. Caught where another alternative may do.
class Unsatisfiable : public Error {
 public:
  using Error::Error;
};

// A name chosen earlier in this pass must take another version: the pass
// starts again, knowing the relation that forced it, so that the first choice
// is the right one.
struct Restart {};

// Whether `provider` meets `relation` through its Provides: any provision for
// an unversioned relation, only "(= version)" provisions for a versioned one.
bool provides_for(const Package& provider, const Relation& relation) {
  for (const auto& provided : provider.provides) {
    if (provided.name != relation.name) continue;
    if (relation.op == VersionOp::any) return true;
    if (provided.op == VersionOp::equal && relation.allows(provided.version)) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

const std::string k_request = "the request";

class Resolver {
 public:
  explicit Resolver(const PackageUniverse& universe) : m_universe(universe) {}

  InstallPlan run(const std::vector<std::string>& requested) {
    // Each restart learns one more constraint, so this ends; the bound only
    // guards against a bug turning into a hang.
    constexpr int k_max_passes = 200;
    for (int pass = 0; pass < k_max_passes; ++pass) {
      m_state = PassState();
      m_roots.clear();
      try {
        for (const auto& item : requested) request(item);
        upgrade_broken_dependants();
      } catch (const Restart&) {
        continue;
      }
      check_conflicts();
      return InstallPlan{ordered_plan(), m_state.notes()};
    }
    throw Error("the dependency resolution for --apt did not settle", "report this with the packages requested");
  }

 private:
  // ---- what the image would have ----

  const Package* chosen(std::string_view name) const { return m_state.chosen(name); }

  // The package of that name after the plan: the chosen one, else the base's.
  const Package* current(std::string_view name) const {
    const auto* package = chosen(name);
    return package ? package : m_universe.installed(name);
  }

  // The installed packages that stay as they are (the plan does not replace them).
  bool kept_installed(const Package& package) const { return !chosen(package.name); }

  // A package that meets `relation` in the image after the plan, or in the
  // base as it is (`base_only`), or nullptr.
  const Package* satisfier(const Relation& relation, bool base_only = false) const {
    const auto* real = base_only ? m_universe.installed(relation.name) : current(relation.name);
    if (real && relation.allows(real->version)) return real;
    if (!base_only) {
      for (const auto* provider : m_state.chosen_providers(relation.name)) {
        if (provides_for(*provider, relation)) return provider;
      }
    }
    for (const auto* provider : m_universe.installed_providers(relation.name)) {
      if ((base_only || kept_installed(*provider)) && provides_for(*provider, relation)) return provider;
    }
    return nullptr;
  }

  const Package* group_satisfier(const Alternatives& group, bool base_only = false) const {
    for (const auto& relation : group) {
      if (const auto* package = satisfier(relation, base_only)) return package;
    }
    return nullptr;
  }

  // ---- versions allowed ----

  bool allowed(const Package& package) const {
    for (const auto* constraints : {&m_state.constraints(package.name), &entries_of(m_learned, package.name)}) {
      for (const auto& constraint : *constraints) {
        if (!constraint.relation.allows(package.version)) return false;
      }
    }
    return true;
  }

  // The highest available version of `name` that `extra` and every relation
  // seen on the name allow.
  const Package* best_candidate(std::string_view name, const Relation* extra = nullptr) const {
    for (const auto* candidate : m_universe.candidates(name)) {
      if ((!extra || extra->allows(candidate->version)) && allowed(*candidate)) return candidate;
    }
    return nullptr;
  }

  void learn(const Relation& relation, const std::string& required_by) {
    auto& learned = m_learned[relation.name];
    const Constraint constraint{relation, required_by};
    for (const auto& known : learned) {
      if (known == constraint) {
        throw Error("the dependency resolution for --apt went round in circles on " + relation.text(),
                    "report this with the packages requested");
      }
    }
    learned.push_back(constraint);
    throw Restart{};
  }

  // ---- choosing ----

  void choose(const Package& package) {
    m_state.choose(package);
    // When other ways remain, one that clashes with what is already there
    // gives way to them, as apt would choose. With no other way, the clash is
    // reported at the end, once the plan is complete (an upgrade planned later
    // may still remove it).
    if (m_trial_depth > 0) {
      if (const auto clash = clash_of(package, false)) throw Unsatisfiable(clash->what(), clash->hint());
    }
    if (const auto* base = m_universe.installed(package.name)) {
      const bool upgrade = compare_versions(package.version, base->version) > 0;
      m_state.note(package.label() + " replaces the base's " + base->version +
                   (upgrade ? " (upgrade)" : " (downgrade)"));
    }
    // Chosen before its dependencies are met, so that a cycle back to it is met.
    for (const auto* groups : {&package.pre_depends, &package.depends}) {
      for (const auto& group : *groups) satisfy(group, package.name);
    }
  }

  void satisfy(const Alternatives& group, const std::string& dependant) {
    // Only a relation without alternatives binds its package's version.
    if (group.size() == 1) m_state.constrain(group.front(), dependant);
    if (group_satisfier(group)) return;
    if (group.size() == 1) return install_for(group.front(), dependant, group);
    std::optional<Unsatisfiable> deeper;
    for (const auto& relation : group) {
      // The first alternative that had a candidate but failed further down
      // explains the failure better than the group as a whole.
      const bool explains = best_candidate(relation.name, &relation) != nullptr;
      if (attempt([&] { install_for(relation, dependant, group); }, explains, deeper)) return;
    }
    if (deeper) throw *deeper;
    throw unsatisfiable(group, dependant);
  }

  // Runs `step` as one of several ways to meet a relation: when it fails,
  // everything it did is undone, and its error kept in `failure` if
  // `explains` and none is kept yet.
  template <typename Step>
  bool attempt(Step step, bool explains, std::optional<Unsatisfiable>& failure) {
    const auto before = m_state.mark();
    struct TrialScope {
      int& depth;
      explicit TrialScope(int& d) : depth(++d) {}
      ~TrialScope() { --depth; }
    } scope(m_trial_depth);
    try {
      step();
      return true;
    } catch (const Unsatisfiable& error) {
      m_state.roll_back(before);
      if (explains && !failure) failure = error;
      return false;
    }
  }

  // Adds a package that meets `relation`: a version of the package it names,
  // else one that provides it. `group` is what the message reports.
  void install_for(const Relation& relation, const std::string& dependant, const Alternatives& group) {
    if (const auto* candidate = best_candidate(relation.name, &relation)) {
      // The version chosen earlier in this pass does not fit: start again
      // with this relation known from the beginning.
      if (chosen(relation.name)) learn(relation, dependant);
      return choose(*candidate);
    }
    std::optional<Unsatisfiable> deeper;
    for (const auto* provider : m_universe.providers(relation.name)) {
      if (!provides_for(*provider, relation) || !allowed(*provider)) continue;
      if (chosen(provider->name)) continue;  // another version is chosen; this one was already not enough
      if (attempt([&] { choose(*provider); }, true, deeper)) return;
    }
    if (deeper) throw *deeper;
    throw unsatisfiable(group, dependant);
  }

  // ---- requests ----

  void request(const std::string& item) {
    const auto equals = item.find('=');
    Relation relation;
    relation.name = item.substr(0, equals);
    if (equals != std::string::npos) {
      relation.op = VersionOp::equal;
      relation.version = item.substr(equals + 1);
    }
    if (!m_universe.knows(relation.name)) {
      throw Error("no package \"" + relation.name + "\" in the apt sources",
                  "check the name (apt-cache search on a matching system), or add a source with --apt-source");
    }
    if (m_universe.candidates(relation.name).empty() && !m_universe.installed(relation.name)) {
      return request_virtual(relation);
    }
    if (relation.op == VersionOp::equal) {
      check_version_exists(relation);
    } else if (const auto* newest = best_candidate(relation.name)) {
      // "apt-get install x" brings x to its candidate version unless the base
      // already has that version or a newer one.
      const auto* base = m_universe.installed(relation.name);
      if (!base || compare_versions(base->version, newest->version) < 0) {
        relation.op = VersionOp::greater_equal;
        relation.version = newest->version;
      }
    }
    const auto* before = satisfier(relation);
    satisfy({relation}, k_request);
    if (before && before == m_universe.installed(relation.name)) {
      m_state.note(before->label() + " is already installed in the base");
    }
    if (const auto* package = chosen(relation.name)) m_roots.push_back(package);
  }

  void check_version_exists(const Relation& relation) {
    const auto* base = m_universe.installed(relation.name);
    if (base && compare_versions(base->version, relation.version) == 0) return;
    std::vector<std::string> versions;
    for (const auto* candidate : m_universe.candidates(relation.name)) {
      if (compare_versions(candidate->version, relation.version) == 0) return;
      versions.push_back(candidate->version);
    }
    throw Error("no version " + relation.version + " of \"" + relation.name + "\" in the apt sources" +
                    (versions.empty() ? std::string() : " (they have " + join(versions, ", ") + ")"),
                "ask for one of the versions the sources have, or leave the version out");
  }

  // A name only provided by other packages: met when the base provides it;
  // with one provider that one is installed, as apt does; with several the
  // user must pick.
  void request_virtual(const Relation& relation) {
    if (const auto* base = satisfier(relation)) {
      m_state.note(relation.name + " is provided by " + base->label() + ", already installed in the base");
      return;
    }
    const auto& providers = m_universe.providers(relation.name);
    if (providers.empty()) {
      // Only a base package provides it, and not in the version asked for.
      throw Error("no package provides \"" + relation.name + "\" in the version asked for (" + relation.version + ")",
                  "leave the version out, or ask for a package that provides it");
    }
    if (providers.size() > 1) {
      std::vector<std::string> names;
      for (const auto* provider : providers) names.push_back(provider->name);
      throw Error("\"" + relation.name + "\" is a virtual package provided by " + join(names, ", "),
                  "name one of them in --apt");
    }
    m_state.note("selecting " + providers.front()->label() + " for the virtual package " + relation.name);
    satisfy({relation}, k_request);
    m_roots.push_back(providers.front());
  }

  // ---- installed packages an upgrade would break ----

  // apt upgrades an installed package whose dependencies an upgrade breaks
  // (libfoo-dev (= old) when libfoo1 is upgraded); when no newer version
  // exists, the relation binds the upgraded package instead and the pass
  // starts again, ending in a clear error when nothing fits both.
  void upgrade_broken_dependants() {
    for (bool changed = true; changed;) {
      changed = upgrade_source_siblings();
      for (const auto* base : m_universe.all_installed()) {
        if (!kept_installed(*base)) continue;
        const auto* broken = broken_group(*base);
        if (!broken) continue;
        const auto* newer = best_candidate(base->name);
        if (newer && compare_versions(newer->version, base->version) > 0) {
          choose(*newer);
          changed = true;
          break;
        }
        learn(broken->front(), base->label() + " (installed in the base)");
      }
    }
  }

  // apt (since 2.5, Upgrade-By-Source-Package) upgrades the installed
  // binaries of a source package together: when the plan upgrades one, the
  // others go to the same source version where the sources have it and it
  // can be installed. Returns whether any was added.
  bool upgrade_source_siblings() {
    std::set<std::pair<std::string, std::string>> upgraded_sources;
    for (const auto& [name, package] : m_state.all_chosen()) {
      if (m_universe.installed(name)) upgraded_sources.emplace(package->source, package->source_version);
    }
    bool added = false;
    for (const auto* base : m_universe.all_installed()) {
      if (!kept_installed(*base)) continue;
      const auto* newer = best_candidate(base->name);
      if (!newer || compare_versions(newer->version, base->version) <= 0 ||
          !upgraded_sources.contains({newer->source, newer->source_version})) {
        continue;
      }
      std::optional<Unsatisfiable> ignored;
      added = attempt([&] { choose(*newer); }, false, ignored) || added;
    }
    return added;
  }

  const Alternatives* broken_group(const Package& base) const {
    for (const auto* groups : {&base.pre_depends, &base.depends}) {
      for (const auto& group : *groups) {
        if (!group_satisfier(group) && group_satisfier(group, true)) return &group;
      }
    }
    return nullptr;
  }

  // ---- conflicts ----

  void check_conflicts() const {
    for (const auto& [name, package] : m_state.all_chosen()) {
      if (const auto clash = clash_of(*package, false)) throw *clash;
    }
    for (const auto* base : m_universe.all_installed()) {
      if (!kept_installed(*base)) continue;
      if (const auto clash = clash_of(*base, true)) throw *clash;
    }
  }

  // `only_with_plan`: an installed package is only checked against what the
  // plan adds; what the base already has together is not our business.
  // The first package that `package`'s Conflicts or Breaks hit, as the error to report.
  std::optional<Error> clash_of(const Package& package, bool only_with_plan) const {
    const std::pair<const std::vector<Alternatives>*, std::string_view> kinds[] = {
        {&package.conflicts, "conflicts with"}, {&package.breaks, "breaks"}};
    for (const auto& [groups, verb] : kinds) {
      for (const auto& group : *groups) {
        for (const auto& relation : group) {
          for (const auto* other : packages_meeting(relation)) {
            if (other->name == package.name || (only_with_plan && !chosen(other->name))) continue;
            const bool other_in_base = !chosen(other->name);
            return Error(package.label() + " " + std::string(verb) + " " + other->label(),
                         other_in_base
                             ? other->name + " is installed in the base image, and --apt never removes packages"
                             : "both would be installed by --apt: ask for other packages or versions");
          }
        }
      }
    }
    return std::nullopt;
  }

  // Every package in the image after the plan that meets `relation` (for a
  // Conflicts or Breaks, each one is a clash).
  std::vector<const Package*> packages_meeting(const Relation& relation) const {
    std::vector<const Package*> found;
    if (const auto* real = current(relation.name); real && relation.allows(real->version)) found.push_back(real);
    for (const auto* provider : m_state.chosen_providers(relation.name)) {
      if (provides_for(*provider, relation)) found.push_back(provider);
    }
    for (const auto* provider : m_universe.installed_providers(relation.name)) {
      if (kept_installed(*provider) && provides_for(*provider, relation)) found.push_back(provider);
    }
    return found;
  }

  // ---- messages ----

  // What exists under `name`, to explain why a relation on it cannot be met.
  std::string what_exists(const std::string& name) const {
    std::vector<std::string> versions;
    for (const auto* candidate : m_universe.candidates(name)) versions.push_back(candidate->version);
    const auto* base = m_universe.installed(name);
    const std::string sources = versions.empty() ? "none" : join(versions, ", ");
    if (base) return "the base has " + base->label() + " and the sources have " + sources;
    if (!versions.empty()) return "the sources have " + sources;
    std::vector<std::string> providers;
    for (const auto* provider : m_universe.providers(name)) providers.push_back(provider->label());
    if (!providers.empty()) return "no version of " + name + " fits, and only " + join(providers, ", ") + " provide it";
    return "neither the base nor the sources have " + name;
  }

  // The other relations on `name` that narrowed the choice, if any.
  std::string other_requirements(const std::string& name, const std::string& dependant) const {
    std::vector<std::string> others;
    for (const auto* constraints : {&m_state.constraints(name), &entries_of(m_learned, name)}) {
      for (const auto& constraint : *constraints) {
        if (constraint.required_by == dependant || constraint.relation.op == VersionOp::any) continue;
        others.push_back(constraint.relation.text() + " by " + constraint.required_by);
      }
    }
    return others.empty() ? std::string() : "; also required: " + join(others, ", ");
  }

  Unsatisfiable unsatisfiable(const Alternatives& group, const std::string& dependant) const {
    std::vector<std::string> reasons;
    std::string others;
    for (const auto& relation : group) {
      reasons.push_back((group.size() > 1 ? relation.name + ": " : std::string()) + what_exists(relation.name));
      others += other_requirements(relation.name, dependant);
    }
    const std::string wants = dependant == k_request ? "cannot install " + group.front().name + ": it was asked for as "
                                                     : "cannot install " + dependant + ": it depends on ";
    return Unsatisfiable(wants + alternatives_text(group) + ", but " + join(reasons, "; ") + others,
                         "the base image's apt sources cannot meet this: add a source with --apt-source, or use a base "
                         "image from a newer release");
  }

  // ---- order ----

  // Each package after the plan packages it depends on: depth first from the
  // requests in their order, then any remaining package by name.
  std::vector<const Package*> ordered_plan() const {
    std::vector<const Package*> order;
    std::set<const Package*> visited;
    const auto visit = [&](const auto& self, const Package* package) -> void {
      if (!visited.insert(package).second) return;  // done, or on the current path (a cycle)
      for (const auto* groups : {&package->pre_depends, &package->depends}) {
        for (const auto& group : *groups) {
          const auto* dependency = group_satisfier(group);
          if (dependency && chosen(dependency->name) == dependency) self(self, dependency);
        }
      }
      order.push_back(package);
    };
    for (const auto* root : m_roots) visit(visit, root);
    for (const auto& [name, package] : m_state.all_chosen()) visit(visit, package);
    return order;
  }

  const PackageUniverse& m_universe;
  // Relations learned in earlier passes; they survive restarts.
  NameMap<std::vector<Constraint>> m_learned;
  PassState m_state;
  std::vector<const Package*> m_roots;
  // How many alternatives are being tried, one inside another.
  int m_trial_depth = 0;
};

}  // namespace

InstallPlan resolve_install(const PackageUniverse& universe, const std::vector<std::string>& requested) {
  return Resolver(universe).run(requested);
}

}  // namespace venv2docker::debian
