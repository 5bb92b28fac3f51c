#pragma once
// The model kinds of [[models]], one line each: a kind is its files in this folder (a struct with
// kind, key, summary, read and build; optional collapse() and record()) plus its line here
// (docs/layout.md#model-kind). An entry is the first kind, in this order, whose key it has; an entry
// with none is the last, the data's exact score.
#include "experiments/model_kinds/exact.hpp"
#include "experiments/model_kinds/mixture.hpp"
#include "experiments/model_kinds/mlp.hpp"
#include "experiments/model_kinds/torchscript.hpp"

#define TD_MODEL_KINDS(X) X(MlpModel) X(TorchScriptModel) X(MixtureModel) X(ExactModel)
