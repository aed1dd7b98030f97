// The layers a build adds over the base, in the image's order (apt,
// interpreter, the venv's, pip, project): each written through the layer
// cache, reported, and given its history entry.
#pragma once

#include <functional>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "build/venv_stage.h"
#include "compat/host_python.h"
#include "debian/apt_archives.h"
#include "image/image_builder.h"
#include "layer/layer_writer.h"
#include "pip/pip_layer.h"
#include "store/blob_store.h"
#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// The options every new layer is written with. Every image is OCI, whatever
/// the base's family (docs/images.md), so each gets the OCI layer type.
LayerOptions new_layer_options(std::int64_t epoch, unsigned threads, int compression_level);

/// What every layer write needs.
struct LayerWriting {
  const LayerOptions& options;
  const BlobStore& store;
  Reporter& reporter;
};

/// --apt's layer; none when the plan installs nothing. With layers shared
/// through a registry (writing.options.shared), a layer a record holds for
/// the plan's files key is taken as it is: no package fetched or unpacked, no
/// layer compressed. Otherwise `apt` (or, when not yet unpacked, `unpack()`) is
/// written.
std::vector<NewLayer> apt_layer(const AptLayerPlan& plan, std::optional<AptLayerContents> apt,
                                const std::function<AptLayerContents()>& unpack, const LayerWriting& writing);

/// --python-from host: the interpreter's layer, written alone with every
/// compression thread; none without it.
std::vector<NewLayer> interpreter_layer(std::optional<HostInterpreter> host, const std::string& interpreter,
                                        const LayerWriting& writing);

/// The venv's layers, as finish_venv_layers gives them (`inputs` and
/// `settings` are the stage's).
std::vector<NewLayer> venv_layers(VenvStage& stage, const VenvStageInputs& inputs, const VenvStageSettings& settings,
                                  const LayerWriting& writing);

/// --pip's layer from its relocated `entries`; none when pip installed nothing.
std::vector<NewLayer> pip_layer(std::vector<LayerEntry> entries, const std::optional<PipStaging>& pip,
                                const LayerWriting& writing);

struct ProjectLayer {
  std::vector<NewLayer> layers;  // none without a project
  std::vector<std::string> walk_warnings;
};

/// The project folder at `project_path`, minus its .dockerignore, `excludes`
/// and the venv when it lives inside the project (it has its own layers).
ProjectLayer project_layer(const std::optional<std::filesystem::path>& project, const std::string& project_path,
                           const std::vector<std::string>& excludes, const Venv& venv, const LayerWriting& writing);

}  // namespace venv2docker
