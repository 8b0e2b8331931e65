package units

import (
	"fmt"
	"strings"

	"github.com/chihuy/chihuy"
)

// Texts of the package, in Vietnamese: units files are written and read
// by the operators of the command centers.

const (
	msgEmptyCode   = "thiếu mã đơn vị (code)"
	msgBadCode     = "mã đơn vị chỉ được gồm chữ cái không dấu, chữ số và các dấu - _ ."
	msgEmptyName   = "thiếu tên đơn vị (name)"
	msgSelfParent  = "đơn vị là cha của chính nó (parent trùng code)"
	msgNoRoot      = "không có đơn vị gốc (đơn vị không có parent)"
	msgEmptyFile   = "tệp không có đơn vị nào"
	msgNotMapping  = "mỗi đơn vị phải là một bảng khóa: giá trị (code, name, level, parent …)"
	msgNotList     = "khóa units phải là một danh sách đơn vị"
	msgTopLevel    = "tệp phải là danh sách đơn vị, hoặc bảng có khóa units"
	msgNotScalar   = "giá trị phải là một chuỗi hoặc số"
	msgBadAliases  = "aliases phải là danh sách tên"
	msgNotGSO      = "không đọc được tệp GSO JSON"
	msgNoGSOData   = "tệp GSO JSON không có mục data"
	msgNotCompact  = "không phải tệp đơn vị dạng rút gọn của chihuy"
	msgRootName    = "Ban Chỉ đạo Quốc gia"
	msgRootLevel   = "quốc gia"
	msgBadColumns  = "dòng cần ít nhất 4 cột: mã, mã cha, cấp, tên"
	msgBadPopCount = "số dân phải là số nguyên không âm"
)

func msgProblemCount(n int) string {
	return fmt.Sprintf("tệp đơn vị có %d lỗi, không nạp", n)
}

func msgMoreProblems(n int) string { return fmt.Sprintf("… và %d lỗi khác", n) }

func msgUnitPrefix(code string) string { return fmt.Sprintf("đơn vị %q: ", code) }

func msgDuplicate(firstLine int) string {
	if firstLine > 0 {
		return fmt.Sprintf("mã trùng với đơn vị ở dòng %d", firstLine)
	}
	return "mã bị trùng"
}

func msgUnknownParent(parent string) string {
	return fmt.Sprintf("đơn vị cha %q không có trong tệp", parent)
}

func msgSecondRoot(first string, line int) string {
	if line > 0 {
		return fmt.Sprintf("thêm một đơn vị không có cha (gốc đã là %q ở dòng %d); tệp chỉ được có một gốc", first, line)
	}
	return fmt.Sprintf("thêm một đơn vị không có cha (gốc đã là %q); tệp chỉ được có một gốc", first)
}

func msgCycle(codes []string) string {
	return "vòng lặp cha–con: " + strings.Join(codes, " → ")
}

func msgUnknownKey(key string) string {
	return fmt.Sprintf("khóa %q không được hỗ trợ", key)
}

func msgDuplicateKey(key string) string { return fmt.Sprintf("khóa %q lặp lại", key) }

func msgNotYAML(err error) string { return "không đọc được YAML: " + err.Error() }

func msgDepth(d int) string { return fmt.Sprintf("cấp %d", d) }

func errUnknownRoot(code string) error {
	return chihuy.Errorf(chihuy.ENOTFOUND, "Không có đơn vị mã %q trong cây đơn vị.", code)
}

func errUnknownTree(name string) error {
	return chihuy.Errorf(chihuy.EINVALID, "Không có cây đơn vị dựng sẵn tên %q (có: gso-2025-03, gso-2025-07).", name)
}

const (
	msgNotMapping2025 = "không đọc được tệp sáp nhập (merges)"
	msgMergeNoOld     = "mục merges thiếu old_id"
	msgMergeType      = "type của merges phải là full hoặc partial"
	msgMergeNoNew     = "đơn vị mới thiếu mã"
	msgMergeTwiceFull = "đơn vị cũ được ghi là nhập trọn vẹn vào hai đơn vị mới"
	msgNotMergesFile  = "không phải tệp sáp nhập dạng rút gọn của chihuy"
)
