#pragma once
// Denoising score matching for the U-Net (nn/unet.hpp) with the shared loop (train/dsm_loop): the
// same keyed data, times and noise, Adam, clipping, EMA and exact-resume checkpoints as the MLP.
#include <memory>
#include <utility>
#include <vector>

#include "data/data_fn.hpp"
#include "nn/unet.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct UNetTrainResult : TrainProgress {
  std::shared_ptr<UNetNet> model, ema;  // last parameters and their EMA
};

UNetTrainResult train_unet(const UNetSpec& spec, const Process& process, const DataFn& data, const TrainSpec& train);

}  // namespace td
