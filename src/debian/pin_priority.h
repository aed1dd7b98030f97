// apt's default pin priorities (apt_preferences(5), pkgPolicy::InitDefaults):
// what decides which version of a package apt installs when several sources
// have one, before any preferences file. venv2docker reads no preferences.
// Header only.
#pragma once

namespace venv2docker::debian {

/// Every source whose Release says nothing else.
constexpr int k_pin_default = 500;
/// The installed version (dpkg's status).
constexpr int k_pin_installed = 100;
/// A Release with "NotAutomatic: yes" and "ButAutomaticUpgrades: yes"
/// (backports): installed from only when asked for, upgraded from once installed.
constexpr int k_pin_but_automatic_upgrades = 100;
/// A Release with "NotAutomatic: yes" alone (experimental): only when asked for.
constexpr int k_pin_not_automatic = 1;

}  // namespace venv2docker::debian
