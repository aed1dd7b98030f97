#include "image/document_shape.h"

#include "image/media_types.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

namespace {

std::string kind_name(json::value_t type) {
  switch (type) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

[[noreturn]] void refuse(const std::string& where, const std::string& what) {
  throw Error(where + " is malformed: " + what, "the image was written by a broken tool, or was tampered with");
}

// The field `key` of `object`, or nullptr when it is absent.
const json* field(const json& object, const char* key) {
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

void require_type(const json* value, json::value_t type, const std::string& name, const std::string& where,
                  bool null_allowed = false) {
  if (!value || (null_allowed && value->is_null())) return;
  const bool matches = type == json::value_t::number_unsigned ? value->is_number_unsigned() : value->type() == type;
  if (!matches) {
    refuse(where, name + " is " + kind_name(value->type()) + ", not " +
                      (type == json::value_t::number_unsigned ? "a size" : kind_name(type)));
  }
}

void require_strings(const json* value, json::value_t container, const std::string& name, const std::string& where,
                     bool null_allowed = false) {
  require_type(value, container, name, where, null_allowed);
  if (!value || value->is_null()) return;
  for (const auto& [key, item] : value->items()) {
    if (!item.is_string()) refuse(where, name + " holds " + kind_name(item.type()) + ", not only strings");
  }
}

void check_object_root(const json& value, const std::string& where) {
  if (!value.is_object()) refuse(where, "it is " + kind_name(value.type()) + ", not an object");
  require_type(field(value, "mediaType"), json::value_t::string, "mediaType", where);
  const json* version = field(value, "schemaVersion");
  if (version && !version->is_number_integer()) refuse(where, "schemaVersion is " + kind_name(version->type()));
  require_strings(field(value, "annotations"), json::value_t::object, "annotations", where);
}

void check_descriptor(const json& value, const std::string& name, const std::string& where) {
  if (!value.is_object()) refuse(where, name + " is " + kind_name(value.type()) + ", not a descriptor");
  const json* digest = field(value, "digest");
  if (!digest) refuse(where, name + " has no digest");
  require_type(digest, json::value_t::string, name + ".digest", where);
  const json* size = field(value, "size");
  if (!size) refuse(where, name + " has no size");
  require_type(size, json::value_t::number_unsigned, name + ".size", where);
  require_type(field(value, "mediaType"), json::value_t::string, name + ".mediaType", where);
  require_strings(field(value, "annotations"), json::value_t::object, name + ".annotations", where);
  require_strings(field(value, "urls"), json::value_t::array, name + ".urls", where);
  const json* platform = field(value, "platform");
  require_type(platform, json::value_t::object, name + ".platform", where);
  if (platform) {
    for (const char* key : {"os", "architecture", "variant", "os.version"}) {
      require_type(field(*platform, key), json::value_t::string, name + ".platform." + key, where);
    }
    require_strings(field(*platform, "os.features"), json::value_t::array, name + ".platform.os.features", where);
    require_strings(field(*platform, "features"), json::value_t::array, name + ".platform.features", where);
  }
}

void check_descriptor_list(const json* list, const std::string& name, const std::string& where) {
  if (!list) refuse(where, "it has no " + name + " list");
  require_type(list, json::value_t::array, name, where);
  if (list->size() > k_max_document_entries) {
    refuse(where, name + " lists " + std::to_string(list->size()) + " entries, more than the " +
                      std::to_string(k_max_document_entries) + " an image may have");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    check_descriptor((*list)[i], name + "[" + std::to_string(i) + "]", where);
  }
}

bool is_index_type(std::string_view type) {
  return type == media_type::oci_index || type == media_type::docker_manifest_list;
}

bool is_manifest_type(std::string_view type) {
  return type == media_type::oci_manifest || type == media_type::docker_manifest;
}

}  // namespace

void check_manifest_shape(const json& value, const std::string& where) {
  check_object_root(value, where);
  if (field(value, "manifests")) refuse(where, "an image manifest with a manifests list");
  const json* config = field(value, "config");
  if (!config) refuse(where, "it has no config");
  check_descriptor(*config, "config", where);
  check_descriptor_list(field(value, "layers"), "layers", where);
}

void check_index_shape(const json& value, const std::string& where) {
  check_object_root(value, where);
  if (field(value, "config") || field(value, "layers")) refuse(where, "an image index with a config or layers");
  check_descriptor_list(field(value, "manifests"), "manifests", where);
}

void check_config_shape(const json& value, const std::string& where) {
  if (!value.is_object()) refuse(where, "it is " + kind_name(value.type()) + ", not an object");
  for (const char* key : {"os", "architecture", "variant", "os.version", "created", "author"}) {
    require_type(field(value, key), json::value_t::string, key, where);
  }
  const json* rootfs = field(value, "rootfs");
  if (!rootfs) refuse(where, "it has no rootfs");
  require_type(rootfs, json::value_t::object, "rootfs", where);
  require_type(field(*rootfs, "type"), json::value_t::string, "rootfs.type", where);
  const json* diff_ids = field(*rootfs, "diff_ids");
  if (!diff_ids) refuse(where, "it has no rootfs.diff_ids");
  require_strings(diff_ids, json::value_t::array, "rootfs.diff_ids", where);
  if (diff_ids->size() > k_max_document_entries) refuse(where, "rootfs.diff_ids lists too many layers");
  const json* history = field(value, "history");
  require_type(history, json::value_t::array, "history", where, true);
  if (history && history->is_array()) {
    for (const auto& entry : *history) {
      if (!entry.is_object()) refuse(where, "a history entry is " + kind_name(entry.type()) + ", not an object");
    }
  }
  const json* runtime = field(value, "config");
  require_type(runtime, json::value_t::object, "config", where, true);
  if (!runtime || runtime->is_null()) return;
  for (const char* key : {"Env", "Cmd", "Entrypoint", "Shell", "OnBuild"}) {
    require_strings(field(*runtime, key), json::value_t::array, std::string("config.") + key, where, true);
  }
  require_strings(field(*runtime, "Labels"), json::value_t::object, "config.Labels", where, true);
  for (const char* key : {"ExposedPorts", "Volumes"}) {
    require_type(field(*runtime, key), json::value_t::object, std::string("config.") + key, where, true);
  }
  for (const char* key : {"User", "WorkingDir", "StopSignal"}) {
    require_type(field(*runtime, key), json::value_t::string, std::string("config.") + key, where, true);
  }
}

void check_docker_archive_manifest_shape(const json& value, const std::string& where) {
  if (!value.is_array()) refuse(where, "it is " + kind_name(value.type()) + ", not an array");
  for (const auto& entry : value) {
    if (!entry.is_object()) refuse(where, "an entry is " + kind_name(entry.type()) + ", not an object");
    const json* config = field(entry, "Config");
    if (!config) refuse(where, "an entry has no Config");
    require_type(config, json::value_t::string, "Config", where);
    const json* layers = field(entry, "Layers");
    if (!layers) refuse(where, "an entry has no Layers");
    require_strings(layers, json::value_t::array, "Layers", where);
    if (layers->size() > k_max_document_entries) refuse(where, "Layers lists too many layers");
    require_strings(field(entry, "RepoTags"), json::value_t::array, "RepoTags", where, true);
  }
}

bool document_is_index(const json& value, std::string_view declared, const std::string& where) {
  if (!value.is_object()) refuse(where, "it is " + kind_name(value.type()) + ", not an object");
  // One document must not be read as an index by one reader and as a manifest
  // by another (CVE-2021-41190): refused whatever it says it is, as containerd does.
  if (field(value, "manifests") && (field(value, "config") || field(value, "layers"))) {
    refuse(where, "it has both a manifests list (an index) and a config or layers (a manifest)");
  }
  require_type(field(value, "mediaType"), json::value_t::string, "mediaType", where);
  const json* own = field(value, "mediaType");
  const std::string_view type = own ? std::string_view(own->get_ref<const std::string&>()) : declared;
  if (is_index_type(type)) return true;
  if (is_manifest_type(type)) return false;
  return field(value, "manifests") != nullptr;
}

json parse_manifest_or_index(std::string_view bytes, std::string_view declared, const std::string& where) {
  json value = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) throw Error(where + " is not valid JSON");
  if (document_is_index(value, declared, where)) {
    check_index_shape(value, where);
  } else {
    check_manifest_shape(value, where);
  }
  return value;
}

}  // namespace venv2docker
