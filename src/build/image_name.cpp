#include "build/image_name.h"

#include "util/error.h"

namespace venv2docker {

namespace {

constexpr const char* k_name_hint =
    "name the image NAME, NAME:TAG or REGISTRY/PATH/NAME:TAG in lower case, e.g. -n ghcr.io/owner/app:1.2, "
    "or -n app -t 1.2";

Reference flag_reference(const std::string& text, const char* flag) {
  Reference reference = Reference::parse_or_throw(text, flag, k_name_hint);
  if (reference.digest) {
    throw UsageError(std::string(flag) + " \"" + text + "\" holds a digest, which names an image that exists already",
                     "leave out the @sha256:... part: the digest of the image built is printed");
  }
  return reference;
}

// A tag holds no '/' and no ':', so a --tag that does is a whole reference.
bool is_reference(const std::string& tag) { return tag.find_first_of("/:@") != std::string::npos; }

}  // namespace

Reference image_name(const std::optional<std::string>& name, const std::optional<std::string>& tag,
                     const std::string& default_name, const std::string& default_tag) {
  const std::optional<Reference> from_name = name ? std::optional(flag_reference(*name, "--name")) : std::nullopt;
  const std::optional<Reference> from_tag =
      tag && is_reference(*tag) ? std::optional(flag_reference(*tag, "--tag")) : std::nullopt;
  if (from_name && from_tag && from_name->name() != from_tag->name()) {
    throw UsageError("--name " + *name + " and --tag " + *tag + " name different images (" + from_name->name() +
                         " and " + from_tag->name() + ")",
                     "give the name once: -t REGISTRY/NAME:TAG alone, or -n REGISTRY/NAME -t TAG");
  }
  std::optional<std::string> chosen_tag = from_tag ? from_tag->tag : (tag ? tag : std::nullopt);
  if (from_name && from_name->tag) {
    if (chosen_tag && *chosen_tag != *from_name->tag) {
      throw UsageError("--name " + *name + " has the tag " + *from_name->tag + ", but --tag gives " + *chosen_tag,
                       "give the tag once: in --name (NAME:TAG) or in --tag");
    }
    chosen_tag = from_name->tag;
  }
  const std::string chosen_name =
      from_name ? from_name->name() : from_tag ? from_tag->name() : default_name;
  return Reference::parse_or_throw(chosen_name + ":" + chosen_tag.value_or(default_tag),
                                   name || from_tag ? "--name/--tag" : "the default image name", k_name_hint);
}

}  // namespace venv2docker
