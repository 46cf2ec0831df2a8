// Tests of the figures code: the PNG round trip, text, colour maps against matplotlib's published values,
// a tiny spectrogram to known pixels, line charts, the confusion matrix and the tile grid.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "experiments/figures/axes.h"
#include "experiments/figures/colormap.h"
#include "experiments/figures/confusion.h"
#include "experiments/figures/grid.h"
#include "experiments/figures/heatmap.h"
#include "experiments/figures/image.h"
#include "experiments/figures/line_chart.h"
#include "experiments/figures/text.h"
#include "tests/experiments/figures_test_util.h"

using namespace melgrad::figures;
using namespace melgrad::figures::testing;

TEST_CASE("figures: an image encodes to a PNG that decodes to the same size and pixels") {
    Image img(37, 21, colors::white);
    img.set(0, 0, {255, 0, 0});
    img.set(36, 20, {0, 0, 255});
    img.fill_rect(10, 5, 4, 3, {0, 200, 0});
    img.fill_rect(-5, -5, 3, 3, colors::black);  // clipped away entirely
    Decoded d = decode_png(img.encode_png());
    REQUIRE(d.width == 37);
    REQUIRE(d.height == 21);
    CHECK(d.at(0, 0) == Rgb{255, 0, 0});
    CHECK(d.at(36, 20) == Rgb{0, 0, 255});
    CHECK(d.at(11, 6) == Rgb{0, 200, 0});
    CHECK(d.at(13, 7) == Rgb{0, 200, 0});
    CHECK(d.at(14, 7) == colors::white);  // fill_rect is half-open
    CHECK(d.at(1, 1) == colors::white);

    ScratchDir dir("png");
    const std::string path = (dir.path / "x.png").string();
    img.save_png(path);
    Decoded f = decode_png_file(path);
    CHECK(f.width == 37);
    CHECK(f.height == 21);
    CHECK_THROWS_AS(img.save_png((dir.path / "no/such/folder/x.png").string()), std::runtime_error);
    CHECK_THROWS_AS(Image(0, 5), std::invalid_argument);
}

TEST_CASE("figures: lines are anti-aliased, dashed lines have gaps, rotation keeps pixels") {
    Image img(40, 20, colors::white);
    img.draw_line(2, 10.5f, 38, 10.5f, colors::black, 1.f);  // along the centre of row 10
    CHECK(img.get(20, 10) == colors::black);
    CHECK(img.get(20, 8) == colors::white);
    Image diag(20, 20, colors::white);
    diag.draw_line(0, 0, 20, 20, colors::black, 1.f);
    const Rgb edge = diag.get(10, 11);  // half a pixel off the line: partly covered, so grey
    CHECK(edge.r > 0);
    CHECK(edge.r < 255);
    Image dashed(40, 5, colors::white);
    dashed.draw_line(0, 2.5f, 40, 2.5f, colors::black, 1.f, 5.f);  // dashes [0,5) [10,15) ...
    CHECK(dashed.get(2, 2) == colors::black);
    CHECK(dashed.get(7, 2) == colors::white);
    CHECK(dashed.get(12, 2) == colors::black);
    Image r(3, 2);
    r.set(2, 0, {9, 9, 9});  // top-right corner turns to the top-left
    Image t = r.rotated_ccw();
    CHECK(t.width() == 2);
    CHECK(t.height() == 3);
    CHECK(t.get(0, 0) == Rgb{9, 9, 9});
}

TEST_CASE("figures: text draws every stroke of a glyph and scales by whole pixels") {
    // '8' has 9 strokes; a too-small vertex buffer once dropped its left side (it read as '3').
    Image img(12, 12, colors::white);
    draw_text(img, 0, 0, "8", colors::black, 1);
    CHECK(img.get(0, 2) == colors::black);  // left side, upper loop
    CHECK(img.get(0, 5) == colors::black);  // left side, lower loop
    CHECK(img.get(3, 2) == colors::black);  // right side
    CHECK(img.get(5, 2) == colors::white);
    CHECK(text_width("A", 1) == 4);  // ink only: 4 columns, no spacing after it
    CHECK(text_width("AB", 3) == 3 * text_width("AB", 1));
    Image big(30, 30, colors::white);
    draw_text(big, 0, 0, "8", colors::black, 3);  // the 1x1 stroke at (0,2) becomes a 3x3 block
    for (int y = 6; y < 9; ++y)
        for (int x = 0; x < 3; ++x) CHECK(big.get(x, y) == colors::black);
    // Vertical text reads upwards: its first letter is at the bottom.
    Image v(20, 60, colors::white);
    draw_text_vertical(v, 10, 30, "L......", colors::black, 1);
    int first_ink_row = -1;
    for (int y = 59; y >= 0 && first_ink_row < 0; --y)
        for (int x = 0; x < 20; ++x)
            if (v.get(x, y) == colors::black) first_ink_row = y;
    CHECK(first_ink_row > 30);
}

TEST_CASE("figures: colour maps match matplotlib's published values at the ends and the middle") {
    float c[3];
    auto check = [&](Colormap m, float t, float r, float g, float b) {
        colormap_rgb01(m, t, c);
        CHECK(c[0] == doctest::Approx(r).epsilon(1e-4));
        CHECK(c[1] == doctest::Approx(g).epsilon(1e-4));
        CHECK(c[2] == doctest::Approx(b).epsilon(1e-4));
    };
    // matplotlib/_cm_listed.py: _magma_data[0], [128], [255] (0.5 maps to level 128 of 256).
    check(Colormap::magma, 0.f, 0.001462f, 0.000466f, 0.013866f);
    check(Colormap::magma, 0.5f, 0.716387f, 0.214982f, 0.47529f);
    check(Colormap::magma, 1.f, 0.987053f, 0.991438f, 0.749504f);
    check(Colormap::viridis, 0.f, 0.267004f, 0.004874f, 0.329415f);
    check(Colormap::viridis, 0.5f, 0.127568f, 0.566949f, 0.550556f);
    check(Colormap::viridis, 1.f, 0.993248f, 0.906157f, 0.143936f);
    // RdBu: ColorBrewer's ends; matplotlib's RdBu(0.5) = (0.965705, 0.967243, 0.968089).
    check(Colormap::rdbu, 0.f, 0.403922f, 0.f, 0.121569f);
    check(Colormap::rdbu, 0.5f, 0.965705f, 0.967243f, 0.968089f);
    check(Colormap::rdbu, 1.f, 0.019608f, 0.188235f, 0.380392f);
    check(Colormap::rdbu_r, 0.f, 0.019608f, 0.188235f, 0.380392f);  // reversed: negative = blue
    check(Colormap::rdbu_r, 1.f, 0.403922f, 0.f, 0.121569f);
    check(Colormap::gray, 0.5f, 128.f / 255, 128.f / 255, 128.f / 255);
    CHECK(colormap_color(Colormap::gray, 0.f) == colors::black);
    CHECK(colormap_color(Colormap::gray, 1.f) == colors::white);
    CHECK(colormap_color(Colormap::magma, -3.f) == colormap_color(Colormap::magma, 0.f));  // clipped
    CHECK(colormap_color(Colormap::magma, NAN) == colormap_color(Colormap::magma, 0.f));
    CHECK(colormap_color(Colormap::viridis, 1.f) == Rgb{253, 231, 37});  // viridis' well-known yellow
    CHECK(colormap_from_name("viridis") == Colormap::viridis);
    CHECK_THROWS_AS(colormap_from_name("jet"), std::invalid_argument);
}

TEST_CASE("figures: nice ticks and number formats") {
    auto t = nice_ticks(0, 1, 5);
    REQUIRE(t.size() == 6);
    CHECK(t[1] == doctest::Approx(0.2));
    CHECK(t[5] == doctest::Approx(1.0));
    auto u = nice_ticks(-63.2, 0, 6);
    CHECK(u.front() == doctest::Approx(-60));
    CHECK(u.back() == doctest::Approx(0));
    CHECK(format_number(0.25, 0.05) == "0.25");
    CHECK(format_number(10, 5) == "10");
    CHECK(format_number(-0.5, 0.5) == "-0.5");
}

TEST_CASE("figures: a known tiny spectrogram renders to known pixels, low rows at the bottom") {
    // 2 mel bands x 3 frames; band 0 (the lowest) must be the bottom row of the picture.
    const float v[6] = {0.f, 0.5f, 1.f,   // band 0
                        1.f, 0.5f, 0.f};  // band 1
    Image raw = render_heatmap(v, 2, 3, Colormap::gray, 0.f, 1.f, 2, 2);
    REQUIRE(raw.width() == 6);
    REQUIRE(raw.height() == 4);
    CHECK(raw.get(0, 3) == colors::black);  // band 0, frame 0 = 0 -> bottom-left black
    CHECK(raw.get(5, 3) == colors::white);  // band 0, frame 2 = 1
    CHECK(raw.get(0, 0) == colors::white);  // band 1, frame 0 = 1 -> top-left white
    CHECK(raw.get(3, 1) == colormap_color(Colormap::gray, 0.5f));

    HeatmapFigure f;
    f.map = Colormap::magma;
    f.vmin = 0;
    f.vmax = 1;
    f.plot_w = 30;  // each value a 10 x 10 block
    f.plot_h = 20;
    f.x_hi = 3 * 512 / 22050.0;
    f.y_hi = 2;
    Image fig = render_heatmap_figure(v, 2, 3, f);
    PlotArea p = heatmap_plot_area(2, 3, f);
    Decoded d = decode_png(fig.encode_png());
    REQUIRE(d.width == fig.width());
    for (int band = 0; band < 2; ++band)
        for (int frame = 0; frame < 3; ++frame) {
            const int x = p.x + frame * 10 + 5, y = p.y + (1 - band) * 10 + 5;
            CHECK(d.at(x, y) == colormap_color(Colormap::magma, v[band * 3 + frame]));
        }
    // The colour bar right of the plot runs from vmax (top) to vmin (bottom).
    // Its top pixel row shows the map at 1 - 0.5/h, its bottom row at 0.5/h.
    bool found_bar = false;
    const Rgb top = colormap_color(Colormap::magma, 1.f - 0.5f / p.h);
    const Rgb bottom = colormap_color(Colormap::magma, 0.5f / p.h);
    for (int x = p.x + p.w + 2; x < d.width && !found_bar; ++x)
        found_bar = d.at(x, p.y) == top && d.at(x, p.y + p.h - 1) == bottom && top != bottom;
    CHECK(found_bar);
    CHECK_THROWS_AS(render_heatmap_figure(v, 0, 3, f), std::invalid_argument);
}

TEST_CASE("figures: spectrogram settings: time axis, top_db, the Slaney mel scale") {
    std::vector<float> db(4 * 100, -120.f);
    db[0] = 0.f;
    SpectrogramStyle st;
    HeatmapFigure f = spectrogram_figure(db.data(), 4, 100, st);
    CHECK(f.x_hi == doctest::Approx(100 * 512 / 22050.0));
    CHECK(f.vmax == 0.f);
    CHECK(f.vmin == -80.f);  // top_db 80 below the maximum, as librosa.power_to_db
    Image img = render_spectrogram(db.data(), 4, 100, st);
    CHECK(img.width() > 384);
    // librosa.hz_to_mel(1000) = 15, hz_to_mel(2000) = 25.081881...
    CHECK(hz_to_mel_slaney(1000) == doctest::Approx(15.0));
    CHECK(hz_to_mel_slaney(2000) == doctest::Approx(25.0818810).epsilon(1e-6));
    CHECK(mel_to_hz_slaney(hz_to_mel_slaney(4321.0)) == doctest::Approx(4321.0));
    auto ticks = mel_hz_ticks(128, 0, 11025);
    REQUIRE(!ticks.empty());
    for (size_t i = 1; i < ticks.size(); ++i) CHECK(ticks[i].value > ticks[i - 1].value);
}

TEST_CASE("figures: a line chart has the asked size and its lines where the data says") {
    LineChart c;
    c.title = "t";
    c.y_label = "y";
    c.width = 640;
    c.height = 400;
    c.series = {{"flat", {0, 10}, {0.5, 0.5}, colors::tab_blue, false, false},
                {"rising", {0, 10}, {0.0, 1.0}, colors::tab_orange, false, false}};
    c.references = {{0.9, "ref", colors::tab_green}};
    Decoded d = decode_png(render_line_chart(c).encode_png());
    REQUIRE(d.width == 640);
    REQUIRE(d.height == 400);
    PlotArea p = line_chart_plot_area(c);
    const int x = static_cast<int>(p.px(2)), y = static_cast<int>(p.py(0.5));
    CHECK(d.at(x, y) == colors::tab_blue);              // the flat series through its centre
    const int xr = static_cast<int>(p.px(7.5)), yr = static_cast<int>(p.py(0.75));
    CHECK(channel_distance(d.at(xr, yr), colors::tab_orange) < 40);  // the rising one (anti-aliased)
    // Empty plot area stays white (x 5.5 is off the grid lines and outside the legend's corners).
    CHECK(d.at(static_cast<int>(p.px(5.5)), static_cast<int>(p.py(0.3))) == colors::white);
    const std::string svg = line_chart_svg(c);
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(svg.find("rising") != std::string::npos);
    CHECK(svg.find("#1f77b4") != std::string::npos);  // tab_blue
    LineChart bad = c;
    bad.series[0].y.pop_back();
    CHECK_THROWS_AS(render_line_chart(bad), std::invalid_argument);
}

TEST_CASE("figures: the confusion matrix colours each cell by its share of the row and prints counts") {
    ConfusionMatrix cm;
    cm.labels = {"blues", "classical", "pop"};
    cm.counts = {{8, 0, 2}, {0, 10, 0}, {5, 0, 5}};
    CHECK(cm.total() == 30);
    CHECK(cm.correct() == 23);
    const int cell = 56;
    Image img = render_confusion(cm, "test", cell);
    Decoded d = decode_png(img.encode_png());
    REQUIRE(d.width == img.width());
    REQUIRE(d.height == img.height());
    auto corner = [&](int r, int c) {
        int x, y;
        confusion_cell_origin(cm, cell, r, c, x, y);
        return d.at(x + 3, y + 3);  // inside the cell, away from the count
    };
    CHECK(corner(1, 1) == colormap_color(Colormap::viridis, 1.0f));  // 10 of 10
    CHECK(corner(0, 0) == colormap_color(Colormap::viridis, 0.8f));  // 8 of 10
    CHECK(corner(2, 2) == colormap_color(Colormap::viridis, 0.5f));
    CHECK(corner(0, 1) == colormap_color(Colormap::viridis, 0.0f));
    // The count "10" is drawn in the centre of cell (1,1) in dark ink on the bright cell.
    int x, y, ink = 0;
    confusion_cell_origin(cm, cell, 1, 1, x, y);
    for (int yy = y + cell / 2 - 6; yy < y + cell / 2 + 6; ++yy)
        for (int xx = x + cell / 2 - 10; xx < x + cell / 2 + 10; ++xx) ink += d.at(xx, yy) == colors::black;
    CHECK(ink > 10);
    ConfusionMatrix bad = cm;
    bad.counts[2].pop_back();
    CHECK_THROWS_AS(render_confusion(bad), std::invalid_argument);
}

TEST_CASE("figures: a kernel grid shows sign with the diverging map, row 0 at the bottom") {
    // One 3x3 kernel: +1 at row 0 col 0, -1 at row 2 col 2, zeros elsewhere.
    std::vector<float> w(9, 0.f);
    w[0] = 1.f;
    w[8] = -1.f;
    GridStyle st;
    st.tile_px = 30;  // blocks of 10 pixels
    st.gap = 5;
    st.legend = false;
    auto tiles = kernel_tiles(w.data(), 1, 1, 3, 3);
    REQUIRE(tiles.size() == 1);
    CHECK(tiles[0].label == "o0");
    Image img = render_grid(tiles, st);
    // The tile is centred in its cell; find its top-left by the frame (first non-white pixel row/col).
    int ox = -1, oy = -1;
    for (int y = 0; y < img.height() && oy < 0; ++y)
        for (int x = 0; x < img.width(); ++x)
            if (img.get(x, y) != colors::white) {
                ox = x + 1, oy = y + 1;  // inside the 1-pixel frame
                break;
            }
    REQUIRE(ox >= 0);
    CHECK(img.get(ox + 5, oy + 25) == colormap_color(Colormap::rdbu_r, 1.f));  // row 0, col 0: bottom-left, red
    CHECK(img.get(ox + 25, oy + 5) == colormap_color(Colormap::rdbu_r, 0.f));  // row 2, col 2: top-right, blue
    CHECK(img.get(ox + 15, oy + 15) == colormap_color(Colormap::rdbu_r, 0.5f));  // zero: near white
    CHECK(channel_distance(img.get(ox + 15, oy + 15), colors::white) < 12);
    auto maps = feature_map_tiles(w.data(), 1, 3, 3, "conv1");
    CHECK(maps[0].label == "conv1 c0");
    CHECK_THROWS_AS(kernel_tiles(w.data(), 1, 1, 0, 3), std::invalid_argument);
}

TEST_CASE("figures: feature maps of several layers stack one titled grid per layer; filterbank and stacking") {
    std::vector<float> a(4 * 8 * 8), b(4 * 4 * 4);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 7);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 3);
    Image one = render_feature_maps({{"conv1", a.data(), 4, 8, 8}}, 16, 8);
    Image two = render_feature_maps({{"conv1", a.data(), 4, 8, 8}, {"conv2", b.data(), 4, 4, 4}}, 16, 8);
    CHECK(two.height() > one.height());  // the second layer adds a grid below
    CHECK(two.width() >= one.width());
    CHECK_THROWS_AS(render_feature_maps({}), std::invalid_argument);

    Image red(5, 3, {255, 0, 0}), blue(8, 2, {0, 0, 255});
    Image s = stack_vertically({red, blue}, 4, colors::white);
    CHECK(s.width() == 8);
    CHECK(s.height() == 3 + 4 + 2);
    CHECK(s.get(0, 0) == Rgb{255, 0, 0});
    CHECK(s.get(7, 0) == colors::white);  // right of the narrower image: background
    CHECK(s.get(0, 5) == colors::white);  // the gap
    CHECK(s.get(7, 8) == Rgb{0, 0, 255});

    // A filterbank with one filter: weight 1 at the lowest STFT bin, 0 elsewhere -> bottom-left bright.
    std::vector<float> fb(2 * 5, 0.f);
    fb[0] = 1.f;
    Image f = render_filterbank(fb.data(), 2, 5, 22050);
    Decoded d = decode_png(f.encode_png());
    REQUIRE(d.width == f.width());
    PlotArea p = heatmap_plot_area(2, 5, filterbank_figure(2, 5, 22050));
    // 5 bins of 2756.25 Hz: each cell is centred on its bin, so the axis runs half a bin past 0 and 11025 Hz
    CHECK(p.x_lo == doctest::Approx(-2756.25 / 2));
    CHECK(p.x_hi == doctest::Approx(11025 + 2756.25 / 2));
    CHECK(p.y_lo == doctest::Approx(-0.5));  // band 0 centred on its tick
    CHECK(p.y_hi == doctest::Approx(1.5));
    CHECK(d.at(p.x + 2, p.y + p.h - 3) == colormap_color(Colormap::viridis, 1.f));  // filter 0, bin 0
    CHECK(d.at(p.x + 2, p.y + 2) == colormap_color(Colormap::viridis, 0.f));        // filter 1, bin 0
    CHECK(d.at(p.x + p.w - 3, p.y + p.h - 3) == colormap_color(Colormap::viridis, 0.f));
}
