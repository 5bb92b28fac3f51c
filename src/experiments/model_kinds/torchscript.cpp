#include "experiments/model_kinds/torchscript.hpp"

#include "experiments/network_config.hpp"

namespace td {

TorchScriptModel TorchScriptModel::read(ConfigReader& m, const ModelReadContext& c) {
  refuse_other_kinds(m, key);
  TorchScriptModel out;
  m.require(!m.has("data") && !m.has("training"), m.has("data") ? "data" : "training",
            "a TorchScript model is not trained here: it takes no data or training");
  ConfigReader t = m.table("torchscript",
      "this model is a user's TorchScript file { file, prediction }: forward(x [n, d] float32, t [n] float32) -> [n, d]");
  out.file = t.path("file", kRequired, "the TorchScript module (torch.jit.save), relative to the config file");
  out.net.prediction = parse_prediction_key(t, "prediction");
  out.check = t.boolean("check", true,
      "check before any work that the model denoises the run's data in its declared prediction and time better than a "
      "trivial predictor, naming the likely convention error when it does not (docs/models.md#check); false skips it");
  t.finish();
  out.net.hutchinson_probes = read_probes(m, c.rules);
  return out;
}

nlohmann::json TorchScriptModel::record() const {
  nlohmann::json j = network_record(kind, net);
  j["file"] = file;
  return j;
}

}  // namespace td
