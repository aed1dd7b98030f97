#include "build/new_layers.h"

#include "layer/layer_cache.h"
#include "layer/shared_layers.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

void report_layer(const std::string& label, const Layer& layer, bool reused, Reporter& reporter) {
  reporter.detail(label + ": " + layer.blob.digest.str() + " (" + human_bytes(layer.blob.size) + ")" +
                  (reused ? ", unchanged: reused from the cache" : ""));
}

Layer write_tree_layer(std::vector<LayerEntry> entries, const std::string& label, const LayerWriting& writing) {
  LayerOptions layer_options = writing.options;
  layer_options.progress = [&](std::uint64_t bytes) { writing.reporter.progress(label, bytes); };
  bool reused = false;
  Layer layer = write_layer_cached(std::move(entries), layer_options, writing.store, &reused);
  writing.reporter.end_progress();
  report_layer(label, layer, reused, writing.reporter);
  return layer;
}

}  // namespace

LayerOptions new_layer_options(std::int64_t epoch, unsigned threads, int compression_level) {
  LayerOptions layer_options;
  layer_options.mtime = epoch;
  layer_options.threads = threads;
  layer_options.level = compression_level;
  return layer_options;
}

std::vector<NewLayer> apt_layer(const AptLayerPlan& plan, std::optional<AptLayerContents> apt,
                                const std::function<AptLayerContents()>& unpack, const LayerWriting& writing) {
  if (plan.packages.empty()) return {};
  std::string installed;
  for (const auto& package : plan.installed) {
    installed += ' ';
    installed.append(package, 0, package.find(' '));
  }
  const std::string history = "venv2docker: apt-get install" + installed;
  std::optional<Digest> shared_key;
  if (SharedLayers* shared = writing.options.shared) {
    // The plan's files key stands for the entries (the same base and .debs
    // unpack to the same files), so the layer is found before any is fetched.
    KeyHasher key;
    key.add("apt layer by its plan");
    key.add(plan.files_key.str());
    add_layer_options_key(key, writing.options);
    shared_key = key.finish();
    if (std::optional<SharedLayer> found = shared->find(*shared_key); found && !apt) {
      // Said again, as unpacking the packages said them on the runner that made the layer.
      for (const std::string& warning : found->warnings) writing.reporter.warning(warning);
      shared->learn(*shared_key, found->layer, found->warnings);
      const Layer& layer = found->layer;
      writing.reporter.detail("apt layer: " + layer.blob.digest.str() + " (" + human_bytes(layer.blob.size) +
                              "), as the cache record holds it for this plan: no package fetched");
      return {{layer, history}};
    }
  }
  if (!apt) apt = unpack();
  Layer layer = write_tree_layer(std::move(apt->entries), "apt layer", writing);
  if (shared_key) writing.options.shared->learn(*shared_key, layer, apt->warnings);
  return {{layer, history}};
}

std::vector<NewLayer> interpreter_layer(std::optional<HostInterpreter> host, const std::string& interpreter,
                                        const LayerWriting& writing) {
  if (!host) return {};
  // Alone, with every compression thread and its own progress line: the
  // venv's pool would only share the same cores.
  writing.reporter.step("Packing the interpreter layer");
  return {{write_tree_layer(std::move(host->entries), "interpreter layer", writing),
           "venv2docker: host interpreter " + interpreter}};
}

std::vector<NewLayer> venv_layers(VenvStage& stage, const VenvStageInputs& inputs, const VenvStageSettings& settings,
                                  const LayerWriting& writing) {
  const Venv& venv = inputs.venv;
  const std::string& venv_path = settings.venv_path;
  writing.reporter.step("Packing venv " + venv.root.string() + " -> " + venv_path);
  VenvLayersWritten written = finish_venv_layers(stage, inputs, settings, writing.store, writing.reporter);
  std::vector<NewLayer> layers;
  for (std::size_t i = 0; i < written.layers.size(); ++i) {
    const auto& [group_name, layer] = written.layers[i];
    const bool whole = group_name == "venv";
    report_layer(whole ? "venv layer" : group_name, layer, written.reused[i], writing.reporter);
    layers.push_back({layer, whole ? "venv2docker: virtualenv " + venv.name + " at " + venv_path
                                   : "venv2docker: " + group_name});
  }
  return layers;
}

std::vector<NewLayer> pip_layer(std::vector<LayerEntry> entries, const std::optional<PipStaging>& pip,
                                const LayerWriting& writing) {
  if (entries.empty()) return {};
  writing.reporter.step("Packing the pip layer");
  return {{write_tree_layer(std::move(entries), "pip layer", writing),
           "venv2docker: pip install -r " + pip->requirements.filename().string() + " (" +
               describe_distributions(pip->installed) + ")"}};
}

ProjectLayer project_layer(const std::optional<fs::path>& project, const std::string& project_path,
                           const std::vector<std::string>& excludes, const Venv& venv, const LayerWriting& writing) {
  if (!project) return {};
  writing.reporter.step("Packing project " + project->string() + " -> " + project_path);
  ExcludeRules project_excludes = default_project_excludes(*project);
  for (const auto& pattern : excludes) project_excludes.add(pattern);
  // A venv kept inside its project (project/.venv) is already in its own layers.
  fs::path venv_inside = venv.root.lexically_relative(*project);
  if (!venv_inside.empty() && !venv_inside.string().starts_with("..")) project_excludes.add(venv_inside.string());
  ProjectLayer result;
  WalkOptions walk{*project, project_path, project_excludes, {venv.root}};
  std::vector<LayerEntry> entries = walk_tree(walk, result.walk_warnings);
  result.layers.push_back({write_tree_layer(std::move(entries), "project layer", writing),
                           "venv2docker: project " + project->filename().string() + " at " + project_path});
  return result;
}

}  // namespace venv2docker
