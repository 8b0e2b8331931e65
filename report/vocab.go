package report

import (
	"sort"

	"github.com/chihuy/chihuy/dataset"
)

// vocabKind is what a fixed Vietnamese phrase does in a report.
type vocabKind uint8

const (
	vFiller   vocabKind = iota + 1 // carries no meaning for the numbers: skipped
	vUnit                          // a unit word after a number: skipped
	vLead                          // "báo cáo", "bc": marks a report, a unit may follow
	vDateKw                        // "ngày": a date may follow
	vRelDay                        // "hôm nay", "hôm qua": sets the day
	vZero                          // "không", "ko": zero, when in a value's place
	vRangeTo                       // "đến": between two dates, the report covers up to the second
	vCounter                       // "tuần", "lần", "tháng", "năm", "thứ": the number after it is not a value
	vMonthKw                       // "tháng" inside a date: ngày 8 tháng 11
	vYearKw                        // "năm" inside a date: ngày 8 tháng 11 năm 2021
	vTimeUnit                      // "giờ", "h", "phút": the number before it is a time of day
	vMeasure                       // "lít", "kg": the number before it is a size, not a count
	vPeriod                        // "tuần", "7 ngày qua", "tháng này": figures of several days (val 1: a day not named, "hôm trước")
	vAdult                         // "người lớn": adults, ending a children's age heading
	vOfWhich                       // "trong đó", "bao gồm": what follows is part of what came before
)

// phrase is one entry of the fixed vocabulary.
type phrase struct {
	words []string
	kind  vocabKind
	val   int // day offset for vRelDay
}

// vocabulary lists the fixed phrases, as written (folded at start).
var vocabulary = []struct {
	kind  vocabKind
	val   int
	texts []string
}{
	{vFiller, 0, []string{
		"là", "có", "được", "đã", "mới", "số", "số lượng", "sl", "tổng", "tổng số", "tổng cộng",
		"trong ngày", "thêm", "ghi nhận", "phát hiện", "hiện",
		"hiện có", "hiện tại", "hiện đang", "đang", "còn", "đạt", "khoảng", "tất cả", "tính đến",
		"tính từ", "từ", "lúc", "vào", "của", "tại", "và", "với", "cụ thể", "như sau", "ạ", "nhé",
		"covid 19", "covid", "sars cov 2", "ncov", "dịch", "tình hình", "kết quả", "chủ nhật",
		"tiêm", "đã tiêm", "được tiêm", "tiêm được", "tiêm chủng", "vắc xin", "vaccine", "vacxin",
		"phát sinh", "mới phát sinh", "đang theo dõi", "hiện đang theo dõi", "quản lý", "đang quản lý",
		"hiện quản lý", "trên địa bàn", "địa bàn", "ghi nhận mới", "tiếp tục", "còn lại", "hiện còn",
		"có tổng", "tổng số có", "trong ngày hôm nay có", "được ghi nhận", "đã ghi nhận", "chỉ còn",
		"xã", "toàn xã", "trong xã", "trên địa bàn xã", "địa bàn xã", "toàn huyện", "trên địa bàn huyện",
		"lấy", "lấy được", "đã lấy", "đã lấy được", "sẵn sàng",
	}},
	{vUnit, 0, []string{
		"ca", "người", "mũi", "mẫu", "bình", "giường", "liều", "lượt", "trường hợp", "th",
		"cái", "chiếc", "hộ", "ổ",
	}},
	{vLead, 0, []string{
		"báo cáo", "bc", "bcao", "b c", "báo cáo nhanh", "bc nhanh", "báo cáo số liệu",
		"số liệu", "đơn vị", "đơn vị báo cáo", "đv", "gửi số liệu",
	}},
	{vDateKw, 0, []string{"ngày", "ng"}},
	{vRelDay, 0, []string{"hôm nay", "hnay", "ngày hôm nay", "trong ngày hôm nay", "hôm ni"}},
	{vRelDay, 0, []string{"sáng nay", "trưa nay", "chiều nay", "tối nay", "đêm nay"}},
	{vRelDay, -1, []string{"hôm qua", "hqua", "ngày hôm qua", "trong ngày hôm qua", "hum qua",
		"tối qua", "đêm qua", "sáng qua", "chiều qua", "trưa qua", "khuya qua",
		"tối hôm qua", "đêm hôm qua", "sáng hôm qua", "chiều hôm qua", "trưa hôm qua"}},
	{vRelDay, -2, []string{"hôm kia", "ngày hôm kia"}},
	{vZero, 0, []string{"không", "ko", "k", "kh"}},
	{vZero, 1, []string{"không có", "ko có", "k có", "chưa có", "chưa phát sinh", "không phát sinh", "không ghi nhận", "chưa ghi nhận",
		"chưa phát hiện", "không phát hiện", "không xảy ra", "không có trường hợp", "chưa có trường hợp", "không có thêm",
		"chưa ghi nhận thêm", "không ghi nhận thêm", "không phát sinh thêm", "không có ca", "chưa có ca"}},
	{vRangeTo, 0, []string{"đến", "tới", "đến hết"}},
	{vCounter, 0, []string{"lần", "lần thứ", "thứ", "đợt", "đợt thứ"}},
	{vPeriod, 0, []string{"tuần", "tuần thứ", "quý", "tuần này", "tuần qua", "tuần trước", "trong tuần", "cả tuần",
		"hàng tuần", "ngày qua", "các ngày qua", "những ngày qua", "mấy ngày qua", "ngày vừa qua",
		"tháng này", "tháng qua", "tháng trước", "trong tháng", "cả tháng", "hàng tháng", "từ đầu tuần", "từ đầu tháng"}},
	{vPeriod, 1, []string{"hôm trước", "mấy hôm trước", "hôm nọ", "hôm rồi"}},
	{vAdult, 0, []string{"người lớn", "người trưởng thành"}},
	{vOfWhich, 0, []string{"trong đó", "trong số đó", "gồm", "bao gồm", "gồm có"}},
	{vMonthKw, 0, []string{"tháng"}},
	{vYearKw, 0, []string{"năm"}},
	{vTimeUnit, 0, []string{"giờ", "h", "g", "phút", "p", "tiếng"}},
	{vMeasure, 0, []string{"lít", "lit", "kg", "km", "ml", "tấn", "mét", "cm"}},
}

// vocab indexes the fixed phrases by first folded word, longest first.
var vocab = buildVocab()

func buildVocab() map[string][]phrase {
	m := make(map[string][]phrase)
	for _, group := range vocabulary {
		for _, t := range group.texts {
			w := dataset.Words(t)
			m[w[0]] = append(m[w[0]], phrase{words: w, kind: group.kind, val: group.val})
		}
	}
	for _, list := range m {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].words) > len(list[j].words) })
	}
	return m
}

// placeWords start the name of a place: a unit's type word, or a village,
// hamlet or quarter below the commune that is no unit of the tree.
var placeWords = map[string]bool{
	"xa": true, "phuong": true, "thi": true, "tt": true, "huyen": true, "quan": true, "tinh": true,
	"thon": true, "ban": true, "to": true, "khu": true, "xom": true, "ap": true, "lang": true, "cum": true,
}

// weekdayWords follow "thứ" in a weekday name ("thứ hai", "thứ 2").
var weekdayWords = map[string]bool{"hai": true, "ba": true, "tu": true, "nam": true, "sau": true, "bay": true}
