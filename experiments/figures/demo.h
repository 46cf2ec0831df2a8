// Made-up inputs for every renderer, so the figures and the report page can be seen (and tested) before a
// real run exists: `melgrad demo-figures DIR` writes a complete fake run folder. Everything it writes says
// "demo" / "synthetic": no audio is read and nothing is trained.
#pragma once
#include <string>
#include <vector>

namespace melgrad::figures {

// A spectrogram-like picture in dB (n_mels x frames, row-major, maximum 0 dB): a four-note melody with
// harmonics (1/k amplitudes) placed on the Slaney mel scale, drum hits every half second that light up every
// band and decay, and a noise floor. Deterministic.
std::vector<float> demo_mel_db(int n_mels, int frames, float sample_rate = 22050, int hop_length = 512);
// n 3x3 kernels: oriented edge / line detectors (the shapes first conv layers tend to learn), shape (n,1,3,3).
std::vector<float> demo_kernels(int n);
// A 'valid' 3x3 convolution of one channel with each kernel, then ReLU: shape (n, h-2, w-2).
std::vector<float> demo_conv_relu(const std::vector<float>& image, int h, int w, const std::vector<float>& kernels,
                                  int n);
// Writes DIR/settings.txt, metrics.csv, confusion.csv, eval.json, eval.txt and DIR/figures/{spectrogram,filters,
// featuremaps}.png; returns the paths written.
std::vector<std::string> write_demo_run(const std::string& dir);

}  // namespace melgrad::figures
