#include "debian/resolver_state.h"

namespace venv2docker::debian {

void PassState::choose(const Package& package) {
  m_chosen.emplace(package.name, &package);
  m_chosen_order.push_back(&package);
  for (const auto& provided : package.provides) m_chosen_providers[provided.name].push_back(&package);
}

void PassState::constrain(const Relation& relation, const std::string& required_by) {
  m_constraints[relation.name].push_back({relation, required_by});
  m_constrained_order.push_back(relation.name);
}

void PassState::roll_back(const Mark& mark) {
  // Newest first, so each list's last entry is the one this undoes.
  while (m_chosen_order.size() > mark.chosen) {
    const Package* package = m_chosen_order.back();
    for (auto provided = package->provides.rbegin(); provided != package->provides.rend(); ++provided) {
      m_chosen_providers[provided->name].pop_back();
    }
    m_chosen.erase(package->name);
    m_chosen_order.pop_back();
  }
  while (m_constrained_order.size() > mark.constraints) {
    m_constraints[m_constrained_order.back()].pop_back();
    m_constrained_order.pop_back();
  }
  m_notes.resize(mark.notes);
}

}  // namespace venv2docker::debian
