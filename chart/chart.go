// Package chart draws the picture that goes with a digest where the
// platform takes pictures (§8): the trend of the last days as a PNG of a
// fixed size. New F0 are stacked bars (found in the community / other),
// F1 is a line in a second panel below, on the same dates, so that F1
// counts (often ten times the F0) do not flatten the F0 bars.
//
// The package only renders; the figures come from the caller. Text is
// drawn with Liberation Sans (SIL Open Font License), which has every
// Vietnamese glyph (Latin Extended Additional, U+1EA0–U+1EF9) — Go's own
// fonts do not. The font ships inside the binary; nothing is read from
// disk or network.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

// Size of every chart, in pixels: wide enough to read seven dated bars on
// a phone, with the 16:9-ish ratio chat clients show without cropping.
const (
	Width  = 1000
	Height = 560
	// MaxDays is the longest series Trend draws; beyond it bars become
	// too thin to read.
	MaxDays = 62
)

// dpi is the resolution the chart is drawn at; lengths below are in
// points (1/72 inch), so 1 pt = 4/3 px.
const dpi = 96

// Series holds one value per day for each drawn figure; every slice has
// the length of the days given to Trend. Values below zero are drawn as
// zero; an F0 below its community part (an inconsistent report) is drawn
// as that part.
type Series struct {
	// F0 is new F0 cases per day (element f0), community ones included.
	F0 []int64
	// F0Community is the part of F0 found in the community (element f0cd);
	// the rest of F0 is drawn as "F0 khác".
	F0Community []int64
	// F1 is F1 newly traced per day (element f1).
	F1 []int64
}

var (
	colorCommunity = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorOther     = color.RGBA{R: 0xff, G: 0x9f, B: 0x40, A: 0xff}
	colorF1        = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorGrid      = color.Gray{Y: 0xe0}
	colorText      = color.Gray{Y: 0x20}

	// face is the typeface of every text on the chart.
	face = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// fonts resolves face; gonum/plot registers the Liberation fonts in
	// its default cache when the plot package is initialised.
	fonts = font.DefaultCache
)

// Trend draws the trend chart for days (oldest first) and returns it as a
// PNG of Width×Height pixels. title is drawn on top, usually
// fmt.Sprintf(TrendTitle, len(days), unitName). All-zero data is drawn
// as an empty chart with a 0–5 scale.
func Trend(title string, days []chihuy.Day, s Series) (pngData []byte, err error) {
	if err := check(days, s); err != nil {
		return nil, err
	}
	// gonum/plot panics on font errors; a chart is never worth a crash.
	defer func() {
		if r := recover(); r != nil {
			pngData, err = nil, fmt.Errorf("draw trend chart %q: %v", title, r)
		}
	}()

	n := len(days)
	community := make([]float64, n)
	other := make([]float64, n)
	f1 := make([]float64, n)
	total := make([]float64, n)
	for i := range n {
		c := max(s.F0Community[i], 0)
		t := max(s.F0[i], c) // never hide community cases behind a lower F0
		community[i] = float64(c)
		other[i] = float64(t - c)
		total[i] = float64(t)
		f1[i] = float64(max(s.F1[i], 0))
	}
	dates := make([]string, n)
	for i, d := range days {
		dates[i] = fmt.Sprintf(dateLabelPattern, d.Day, int(d.Month))
	}

	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	canvas := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(dpi))
	dc := draw.New(canvas)

	header := drawHeader(dc, title)
	body := draw.Crop(dc, 0, 0, 0, -header)

	// Width of one day's slot on the data area, approximately: the plot
	// margins take about 60 pt.
	slot := (body.Max.X - body.Min.X - vg.Points(60)) / vg.Length(n)
	barWidth := slot * 0.6
	// On long series, label only every k-th day so texts do not overlap.
	dates = thin(dates, every(slot, style(10.5, false), dates))

	top, err := f0Panel(dates, community, other, total, barWidth, slot)
	if err != nil {
		return nil, fmt.Errorf("draw trend chart %q: %w", title, err)
	}
	bottom, err := f1Panel(dates, f1, slot)
	if err != nil {
		return nil, fmt.Errorf("draw trend chart %q: %w", title, err)
	}
	tiles := draw.Tiles{
		Rows: 2, Cols: 1,
		PadLeft: vg.Points(8), PadRight: vg.Points(14),
		PadBottom: vg.Points(6), PadY: vg.Points(10),
	}
	panels := [][]*plot.Plot{{top}, {bottom}}
	canvases := plot.Align(panels, tiles, body)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])

	var buf bytes.Buffer
	if err := png.Encode(&buf, canvas.Image()); err != nil {
		return nil, fmt.Errorf("encode trend chart %q: %w", title, err)
	}
	return buf.Bytes(), nil
}

func check(days []chihuy.Day, s Series) error {
	n := len(days)
	switch {
	case n == 0:
		return chihuy.Errorf(chihuy.EINVALID, errNoDays)
	case n > MaxDays:
		return chihuy.Errorf(chihuy.EINVALID, errTooManyDays, MaxDays, n)
	}
	for _, c := range []struct {
		name string
		vals []int64
	}{{seriesNameF0, s.F0}, {seriesNameF0cd, s.F0Community}, {seriesNameF1, s.F1}} {
		if len(c.vals) != n {
			return chihuy.Errorf(chihuy.EINVALID, errSeriesLength, c.name, len(c.vals), n)
		}
	}
	return nil
}

func style(size float64, bold bool) text.Style {
	f := face
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{
		Color:   colorText,
		Font:    font.From(f, vg.Points(size)),
		Handler: text.Plain{Fonts: fonts},
	}
}

// drawHeader draws the title and, below it, the legend of the three
// figures in one line, and returns the height it used.
func drawHeader(dc draw.Canvas, title string) vg.Length {
	pad := vg.Points(8)
	ts := style(17, true)
	ts.XAlign = draw.XCenter
	ts.YAlign = draw.YTop
	title = fit(ts, strings.Join(strings.Fields(title), " "), dc.Max.X-dc.Min.X-2*pad)
	y := dc.Max.Y - pad
	dc.FillText(ts, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: y}, title)
	y -= ts.Height(title) + vg.Points(6)

	ls := style(11, false)
	ls.YAlign = draw.YCenter
	box := vg.Points(10)
	gap := vg.Points(18)
	entries := []struct {
		label string
		color color.Color
		line  bool
	}{
		{legendCommunity, colorCommunity, false},
		{legendOther, colorOther, false},
		{legendF1, colorF1, true},
	}
	var width vg.Length
	for i, e := range entries {
		width += box + vg.Points(4) + ls.Width(e.label)
		if i > 0 {
			width += gap
		}
	}
	x := (dc.Min.X+dc.Max.X)/2 - width/2
	mid := y - ls.Height("F")/2
	for _, e := range entries {
		if e.line {
			dc.StrokeLine2(draw.LineStyle{Color: e.color, Width: vg.Points(2.5)},
				x, mid, x+box, mid)
		} else {
			dc.FillPolygon(e.color, []vg.Point{
				{X: x, Y: mid - box/2}, {X: x + box, Y: mid - box/2},
				{X: x + box, Y: mid + box/2}, {X: x, Y: mid + box/2},
			})
		}
		x += box + vg.Points(4)
		dc.FillText(ls, vg.Point{X: x, Y: mid}, e.label)
		x += ls.Width(e.label) + gap
	}
	return dc.Max.Y - (y - ls.Height("F")) + pad
}

// fit shortens text, on one line, to at most width when drawn in sty,
// ending it with "…".
func fit(sty text.Style, s string, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && sty.Width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// newPanel returns a plot with the chart's fonts, a nominal date axis and
// an integer count axis from 0 to a round number above peak.
func newPanel(title string, dates []string, peak float64) *plot.Plot {
	p := plot.New()
	p.TextHandler = text.Plain{Fonts: fonts}
	p.Title.Text = title
	p.Title.TextStyle = style(12, true)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = vg.Points(4)
	p.X.Tick.Label = style(10.5, false)
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label = style(10, false)
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.NominalX(dates...)

	step, top := scale(peak)
	p.Y.Min, p.Y.Max = 0, top
	p.Y.Tick.Marker = countTicks{step: step}
	p.Add(&plotter.Grid{Horizontal: draw.LineStyle{Color: colorGrid, Width: vg.Points(0.6)}})
	return p
}

// fixX puts day i at x = i with half a slot of room on each side; it is
// called after Add, which widens the axes to the data.
func fixX(p *plot.Plot, n int) {
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
}

func f0Panel(dates []string, community, other, total []float64, barWidth, slot vg.Length) (*plot.Plot, error) {
	p := newPanel(panelF0, dates, peak(total))
	low, err := plotter.NewBarChart(plotter.Values(community), barWidth)
	if err != nil {
		return nil, fmt.Errorf("community F0 bars: %w", err)
	}
	low.Color, low.LineStyle.Width = colorCommunity, 0
	high, err := plotter.NewBarChart(plotter.Values(other), barWidth)
	if err != nil {
		return nil, fmt.Errorf("other F0 bars: %w", err)
	}
	high.Color, high.LineStyle.Width = colorOther, 0
	high.StackOn(low)
	values, err := valueLabels(total, slot)
	if err != nil {
		return nil, fmt.Errorf("F0 labels: %w", err)
	}
	p.Add(low, high, values)
	fixX(p, len(dates))
	return p, nil
}

func f1Panel(dates []string, f1 []float64, slot vg.Length) (*plot.Plot, error) {
	p := newPanel(panelF1, dates, peak(f1))
	xys := make(plotter.XYs, len(f1))
	for i, v := range f1 {
		xys[i] = plotter.XY{X: float64(i), Y: v}
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, fmt.Errorf("F1 line: %w", err)
	}
	line.Color, line.Width = colorF1, vg.Points(2.5)
	points.Color, points.Shape, points.Radius = colorF1, draw.CircleGlyph{}, vg.Points(3.5)
	values, err := valueLabels(f1, slot)
	if err != nil {
		return nil, fmt.Errorf("F1 labels: %w", err)
	}
	p.Add(line, points, values)
	fixX(p, len(dates))
	return p, nil
}

// valueLabels writes each day's value above its bar or point, or every
// k-th day's when the slots are too narrow for all.
func valueLabels(vals []float64, slot vg.Length) (*plotter.Labels, error) {
	xyl := plotter.XYLabels{XYs: make(plotter.XYs, len(vals)), Labels: make([]string, len(vals))}
	for i, v := range vals {
		xyl.XYs[i] = plotter.XY{X: float64(i), Y: v}
		xyl.Labels[i] = vntext.Number(int64(v))
	}
	sty := style(10, true)
	xyl.Labels = thin(xyl.Labels, every(slot, sty, xyl.Labels))
	l, err := plotter.NewLabels(xyl)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i] = sty
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YBottom
	}
	l.Offset = vg.Point{Y: vg.Points(6)}
	return l, nil
}

// every returns k such that labelling every k-th slot leaves room
// between the widest of texts drawn in sty.
func every(slot vg.Length, sty text.Style, texts []string) int {
	var widest vg.Length
	for _, s := range texts {
		widest = max(widest, sty.Width(s))
	}
	k := int(math.Ceil(float64((widest + vg.Points(6)) / slot)))
	return max(k, 1)
}

// thin blanks all texts but every k-th, counted back from the last (the
// newest day is always labelled).
func thin(texts []string, k int) []string {
	if k <= 1 {
		return texts
	}
	out := make([]string, len(texts))
	for i := len(texts) - 1; i >= 0; i -= k {
		out[i] = texts[i]
	}
	return out
}

func peak(vals []float64) float64 {
	m := 0.0
	for _, v := range vals {
		m = max(m, v)
	}
	return m
}

// scale returns a round tick step (1, 2 or 5 × 10^k, at least 1) and an
// axis top that is a multiple of it, leaving room above peak for the
// value labels; about five ticks.
func scale(peak float64) (step, top float64) {
	room := peak * 1.2
	if room < 5 {
		return 1, 5
	}
	raw := room / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		step = mag
	case f <= 2:
		step = 2 * mag
	case f <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	step = max(step, 1)
	return step, math.Ceil(room/step) * step
}

// countTicks marks whole counts every step, labelled the Vietnamese way.
type countTicks struct{ step float64 }

func (t countTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := math.Ceil(lo/t.step) * t.step; v <= hi+t.step/1e6; v += t.step {
		ticks = append(ticks, plot.Tick{Value: v, Label: vntext.Number(int64(math.Round(v)))})
	}
	return ticks
}
