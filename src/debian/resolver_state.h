// The resolver's working state for one pass: the packages chosen so far, who
// provides what among them, and the relations that bind each name's version.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "debian/package_universe.h"
#include "debian/relations.h"

namespace venv2docker::debian {

/// A relation on a package and who needs it, for choosing versions and for messages.
struct Constraint {
  Relation relation;
  std::string required_by;  // "libfoo-dev 1.0", "the request"

  bool operator==(const Constraint&) const = default;
};

template <typename Value>
using NameMap = std::map<std::string, Value, std::less<>>;

/// Everything one pass decides. Trying an alternative marks it and rolls back
/// to the mark when the alternative fails: copying it instead would cost as
/// much as the plan at every alternative, which adds up to quadratic time.
class PassState {
 public:
  struct Mark {
    std::size_t chosen, constraints, notes;
  };

  const Package* chosen(std::string_view name) const {
    const auto found = m_chosen.find(name);
    return found == m_chosen.end() ? nullptr : found->second;
  }
  const NameMap<const Package*>& all_chosen() const { return m_chosen; }
  const std::vector<const Package*>& chosen_providers(std::string_view name) const {
    return entries_of(m_chosen_providers, name);
  }
  const std::vector<Constraint>& constraints(std::string_view name) const { return entries_of(m_constraints, name); }
  const std::vector<std::string>& notes() const { return m_notes; }

  /// Adds `package` to the plan (its name must not be chosen yet).
  void choose(const Package& package);
  /// Records that `required_by` needs `relation`, which binds its package's version.
  void constrain(const Relation& relation, const std::string& required_by);
  void note(std::string text) { m_notes.push_back(std::move(text)); }

  Mark mark() const { return {m_chosen_order.size(), m_constrained_order.size(), m_notes.size()}; }

  /// Undoes, newest first, everything done since `mark`.
  void roll_back(const Mark& mark);

 private:
  NameMap<const Package*> m_chosen;
  std::vector<const Package*> m_chosen_order;
  NameMap<std::vector<const Package*>> m_chosen_providers;
  NameMap<std::vector<Constraint>> m_constraints;
  std::vector<std::string> m_constrained_order;
  std::vector<std::string> m_notes;
};

}  // namespace venv2docker::debian
