#include "debian/resolver.h"

#include <algorithm>
#include <optional>
#include <set>

#include "debian/provider_order.h"
#include "debian/request_target.h"
#include "debian/resolver_state.h"
#include "debian/version.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

// What a step that may fail to meet a relation returns: nothing when it met
// it, else why not, as the error to report when no other alternative is left.
// Trying the next alternative is the resolver's ordinary way on, so this is a
// value, never thrown until it is final.
using Unmet = std::optional<Error>;

// How a pass ended: with every relation met, or with a name chosen earlier
// in the pass that must take another version. The pass then starts again,
// knowing the relation that forced it, so that the first choice is the right one.
enum class PassEnd { complete, restart };

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
      m_requested.clear();
      m_requested_versions.clear();
      if (run_pass(requested) == PassEnd::restart) continue;
      check_conflicts();
      return InstallPlan{ordered_plan(), m_state.notes()};
    }
    throw Error("the dependency resolution for --apt did not settle", "report this with the packages requested");
  }

 private:
  PassEnd run_pass(const std::vector<std::string>& requested) {
    // As apt-get install does: every requested package is marked first,
    // then their dependencies are met, request by request.
    std::vector<const Package*> marked;
    for (const auto& item : requested) {
      if (const auto* package = mark_request(item)) marked.push_back(package);
    }
    for (const auto* package : marked) {
      if (auto unmet = install_dependencies(*package)) throw *unmet;
    }
    return upgrade_broken_dependants();
  }

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

  // The version apt would install for `name`: the one the request names
  // ("apt-get install name=version" makes it the candidate), else the
  // candidate of apt's policy. apt installs no other version by itself.
  const Package* candidate(std::string_view name) const {
    if (const auto found = m_requested_versions.find(name); found != m_requested_versions.end()) return found->second;
    return m_universe.candidate(name);
  }

  // The candidate of `name` when installing it changes the image and
  // `extra` and every relation seen on the name allow it, else nullptr.
  const Package* installable(std::string_view name, const Relation* extra = nullptr) const {
    const auto* package = candidate(name);
    if (!package || package == m_universe.installed(name)) return nullptr;
    if ((extra && !extra->allows(package->version)) || !allowed(*package)) return nullptr;
    return package;
  }

  // Keeps `relation` for the passes to come. Throws Error when it was known
  // already: the passes would go round in circles.
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
  }

  // ---- choosing ----

  [[nodiscard]] Unmet choose(const Package& package) {
    if (auto unmet = mark(package)) return unmet;
    return install_dependencies(package);
  }

  // Adds `package` to the plan, its dependencies not yet met.
  [[nodiscard]] Unmet mark(const Package& package) {
    m_state.choose(package);
    // When other ways remain, one that clashes with what is already there
    // gives way to them, as apt would choose. With no other way, the clash is
    // reported at the end, once the plan is complete (an upgrade planned later
    // may still remove it).
    if (m_trial_depth > 0) {
      if (auto clash = clash_of(package, false)) return clash;
    }
    if (const auto* base = m_universe.installed(package.name)) {
      const bool upgrade = compare_versions(package.version, base->version) > 0;
      m_state.note(package.label() + " replaces the base's " + base->version +
                   (upgrade ? " (upgrade)" : " (downgrade)"));
    }
    return std::nullopt;
  }

  // Marked before its dependencies are met, so that a cycle back to it is met.
  [[nodiscard]] Unmet install_dependencies(const Package& package) {
    for (const auto* groups : {&package.pre_depends, &package.depends}) {
      for (const auto& group : *groups) {
        if (auto unmet = satisfy(group, package.name)) return unmet;
      }
    }
    return std::nullopt;
  }

  [[nodiscard]] Unmet satisfy(const Alternatives& group, const std::string& dependant) {
    // Only a relation without alternatives binds its package's version.
    if (group.size() == 1) m_state.constrain(group.front(), dependant);
    if (group_satisfier(group)) return std::nullopt;
    const auto solutions = possible_solutions(group);
    // The only way is taken as it is: a clash it brings is reported once the
    // plan is complete, when an upgrade planned later may have removed it.
    if (solutions.size() == 1) return choose(*solutions.front());
    // The first way that failed further down explains the failure better
    // than the group as a whole.
    Unmet deeper;
    for (const auto* solution : solutions) {
      if (attempt([&] { return choose(*solution); }, true, deeper)) return std::nullopt;
    }
    if (deeper) return deeper;
    return unsatisfiable(group, dependant);
  }

  // The versions that could meet `group`, in the order apt tries them
  // (getAllPossibleSolutions in apt-pkg/depcache.cc): for each alternative,
  // the candidate of the package it names and of every provider whose
  // candidate provides it, in ProviderOrder; then, across the alternatives,
  // upgrades of installed packages before new ones. Only candidates: a
  // provider's older version that provided the name does not count, as in apt.
  std::vector<const Package*> possible_solutions(const Alternatives& group) const {
    std::vector<const Package*> upgrades, additions;
    for (const auto& relation : group) {
      std::vector<const Package*> found;
      if (const auto* package = installable(relation.name, &relation)) found.push_back(package);
      for (const auto* provider : m_universe.providers(relation.name)) {
        const auto* package = installable(provider->name);
        if (package && provides_for(*package, relation) && std::find(found.begin(), found.end(), package) == found.end()) {
          found.push_back(package);
        }
      }
      std::sort(found.begin(), found.end(), ProviderOrder(m_universe, relation.name, [this](std::string_view name) {
                  return m_requested.contains(name);
                }));
      for (const auto* package : found) (m_universe.installed(package->name) ? upgrades : additions).push_back(package);
    }
    upgrades.insert(upgrades.end(), additions.begin(), additions.end());
    std::vector<const Package*> solutions;
    for (const auto* package : upgrades) {
      // A name already in the plan is there in another version (this one would have met the group).
      if (chosen(package->name) || std::find(solutions.begin(), solutions.end(), package) != solutions.end()) continue;
      solutions.push_back(package);
    }
    return solutions;
  }

  // Runs `step` (which returns Unmet) as one of several ways to meet a
  // relation: when it fails, everything it did is undone, and why kept in
  // `failure` if `explains` and none is kept yet.
  template <typename Step>
  bool attempt(Step step, bool explains, Unmet& failure) {
    const auto before = m_state.mark();
    struct TrialScope {
      int& depth;
      explicit TrialScope(int& d) : depth(++d) {}
      ~TrialScope() { --depth; }
    } scope(m_trial_depth);
    Unmet unmet = step();
    if (!unmet) return true;
    m_state.roll_back(before);
    if (explains && !failure) failure = std::move(unmet);
    return false;
  }

  // ---- requests ----

  // Marks what `item` asks for ("name" or "name=version") and returns it,
  // or nullptr when the base already has it.
  const Package* mark_request(const std::string& item) {
    const RequestTarget target = request_target(m_universe, item);
    const Package* package = target.package;
    if (!target.note.empty()) m_state.note(target.note);
    m_requested.insert(package->name);
    if (target.relation.op == VersionOp::equal && !target.is_virtual) m_state.constrain(target.relation, k_request);
    if (package == m_universe.installed(package->name)) return nullptr;
    if (const auto* earlier = chosen(package->name)) {
      if (earlier == package) return nullptr;
      throw Error("--apt asks for " + earlier->label() + " and " + package->label(), "ask for one version");
    }
    m_requested_versions[package->name] = package;
    if (auto unmet = mark(*package)) throw *unmet;
    m_roots.push_back(package);
    return package;
  }

  // ---- installed packages an upgrade would break ----

  // apt upgrades an installed package whose dependencies an upgrade breaks
  // (libfoo-dev (= old) when libfoo1 is upgraded); when no newer version
  // exists, the relation binds the upgraded package instead and the pass
  // starts again, ending in a clear error when nothing fits both.
  PassEnd upgrade_broken_dependants() {
    for (bool changed = true; changed;) {
      changed = upgrade_source_siblings();
      changed = upgrade_clashing_installed() || changed;
      for (const auto* base : m_universe.all_installed()) {
        if (!kept_installed(*base)) continue;
        const auto* broken = broken_group(*base);
        if (!broken) continue;
        if (const auto* newer = installable(base->name)) {
          if (auto unmet = choose(*newer)) throw *unmet;
          changed = true;
          break;
        }
        learn(broken->front(), base->label() + " (installed in the base)");
        return PassEnd::restart;
      }
    }
    return PassEnd::complete;
  }

  // apt (since 2.5, Upgrade-By-Source-Package) keeps the installed binaries
  // of a source package together: when the plan installs or upgrades one,
  // the installed others go to the same source version where that is their
  // candidate and it can be installed. Returns whether any was added.
  bool upgrade_source_siblings() {
    std::set<std::pair<std::string, std::string>> upgraded_sources;
    for (const auto& [name, package] : m_state.all_chosen()) {
      upgraded_sources.emplace(package->source, package->source_version);
    }
    bool added = false;
    for (const auto* base : m_universe.all_installed()) {
      if (!kept_installed(*base)) continue;
      const auto* newer = installable(base->name);
      if (!newer || !upgraded_sources.contains({newer->source, newer->source_version})) {
        continue;
      }
      Unmet ignored;
      added = attempt([&] { return choose(*newer); }, false, ignored) || added;
    }
    return added;
  }

  // apt upgrades an installed package that clashes with the plan (Conflicts
  // or Breaks, either way) when its candidate clashes no more
  // (MarkInstall_UpgradeOrRemoveConflicts); where it would still clash, apt
  // would remove it, which --apt never does: check_conflicts reports it.
  // Returns whether any was upgraded.
  bool upgrade_clashing_installed() {
    bool added = false;
    for (const auto* base : m_universe.all_installed()) {
      if (!kept_installed(*base) || !clashes_with_plan(*base)) continue;
      const auto* newer = installable(base->name);
      if (!newer) continue;
      Unmet ignored;
      added = attempt(
                  [&]() -> Unmet {
                    if (auto unmet = choose(*newer)) return unmet;
                    if (clashes_with_plan(*newer)) return Error(newer->label() + " clashes as well");
                    return std::nullopt;
                  },
                  false, ignored) ||
              added;
    }
    return added;
  }

  // Whether `package` and a planned package conflict or break, either way.
  bool clashes_with_plan(const Package& package) const {
    const auto hits = [](const Package& by, const Package& target) {
      if (by.name == target.name) return false;  // a package may conflict with what it provides itself
      for (const auto* groups : {&by.conflicts, &by.breaks}) {
        for (const auto& group : *groups) {
          for (const auto& relation : group) {
            if ((relation.name == target.name && relation.allows(target.version)) || provides_for(target, relation)) {
              return true;
            }
          }
        }
      }
      return false;
    };
    for (const auto& [name, planned] : m_state.all_chosen()) {
      if (hits(*planned, package) || hits(package, *planned)) return true;
    }
    return false;
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
    const std::string sources = versions.empty() ? "none" : join_with(versions, ", ");
    if (base) return "the base has " + base->label() + " and the sources have " + sources;
    if (!versions.empty()) return "the sources have " + sources;
    std::vector<std::string> providers;
    for (const auto* provider : m_universe.providers(name)) providers.push_back(provider->label());
    if (!providers.empty()) return "no version of " + name + " fits, and only " + join_with(providers, ", ") + " provide it";
    return "neither the base nor the sources have " + name;
  }

  // When another version than the candidate would meet `relation`: apt
  // never picks it by itself, and neither does --apt.
  std::string candidate_only(const Relation& relation) const {
    const auto* wanted = candidate(relation.name);
    if (!wanted) return {};
    for (const auto* available : m_universe.candidates(relation.name)) {
      if (available != wanted && relation.allows(available->version)) {
        return " (apt installs the candidate, " + wanted->version + ", unless asked for another with --apt " +
               relation.name + "=VERSION)";
      }
    }
    return {};
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
    return others.empty() ? std::string() : "; also required: " + join_with(others, ", ");
  }

  Error unsatisfiable(const Alternatives& group, const std::string& dependant) const {
    std::vector<std::string> reasons;
    std::string others;
    for (const auto& relation : group) {
      reasons.push_back((group.size() > 1 ? relation.name + ": " : std::string()) + what_exists(relation.name) +
                        candidate_only(relation));
      others += other_requirements(relation.name, dependant);
    }
    const std::string wants = dependant == k_request ? "cannot install " + group.front().name + ": it was asked for as "
                                                     : "cannot install " + dependant + ": it depends on ";
    return Error(wants + alternatives_text(group) + ", but " + join_with(reasons, "; ") + others,
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
  // The names the request asked for, and the version of each (this pass).
  std::set<std::string, std::less<>> m_requested;
  NameMap<const Package*> m_requested_versions;
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
