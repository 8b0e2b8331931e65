package chart

// Every text that appears on a chart or in an error a user may see.
const (
	// TrendTitle is the usual title of the trend chart; the caller adds
	// the unit's name: fmt.Sprintf(TrendTitle, "Huyện Tân Uyên").
	TrendTitle = "Xu hướng %d ngày — %s"

	panelF0          = "F0 mới theo ngày"
	panelF1          = "F1 mới theo ngày"
	legendCommunity  = "F0 cộng đồng"
	legendOther      = "F0 khác"
	legendF1         = "F1"
	errNoDays        = "Biểu đồ cần ít nhất một ngày số liệu."
	errTooManyDays   = "Biểu đồ chỉ vẽ được tối đa %d ngày (nhận %d)."
	errSeriesLength  = "Chuỗi %s có %d giá trị, cần %d (một giá trị mỗi ngày)."
	seriesNameF0     = "F0"
	seriesNameF0cd   = "F0 cộng đồng"
	seriesNameF1     = "F1"
	dateLabelPattern = "%02d/%02d"
)

// labels lists every fixed text drawn on the chart, so that a test can
// check the embedded font has a glyph for each of their runes.
var labels = []string{
	TrendTitle, panelF0, panelF1, legendCommunity, legendOther, legendF1,
	"0123456789./—…",
}
