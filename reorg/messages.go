package reorg

import (
	"fmt"
	"strings"

	"github.com/chihuy/chihuy/units"
)

// Texts of the package, in Vietnamese: chats and operators read them.

const (
	msgSameTree     = "Cây đơn vị mới trùng với cây đang dùng (%s): không có gì để sắp xếp lại."
	msgNoEffective  = "Thiếu ngày hiệu lực của việc sắp xếp lại (effective, dạng 2025-07-01)."
	msgRootsApart   = "Gốc của cây cũ (%s) không ứng với gốc của cây mới (%s) trong bảng sáp nhập."
	msgFrom         = "từ ngày %s"
	msgRootSplit    = "Đơn vị gốc %s không nhập trọn vẹn vào một đơn vị mới: không chọn được gốc của cây mới (root:)."
	msgOtherReorg   = "Kho dữ liệu đã ghi một lần sắp xếp lại khác (%s → %s): hãy hoàn tác lần đó trước (chihuy reorganise --undo)."
	msgStoreTree    = "Mã đơn vị trong kho dữ liệu thuộc cây %s, không phải cây %s: không sắp xếp lại được."
	msgNothingUndo  = "Không có lần sắp xếp lại nào để hoàn tác."
	msgBadJournal   = "Bản ghi sắp xếp lại trong kho dữ liệu bị hỏng"
	msgUndoOther    = "Lần sắp xếp lại đã ghi là %s → %s, không phải %s → %s."
	msgMovedChat    = "📢 Sắp xếp đơn vị hành chính %s: %s nhập vào %s. Từ nay nhóm này báo cáo và nhận chỉ đạo với tư cách %s; số liệu trước ngày đó vẫn giữ nguyên."
	msgSplitChat    = "📢 Sắp xếp đơn vị hành chính %s: %s được chia vào %s. Nhóm này không còn gắn với đơn vị nào nên sẽ không nhận chỉ đạo, nhắc báo cáo. Xin đề nghị lãnh đạo đơn vị mới tạo mã mời (/mamoi) rồi gõ /dangky <mã mời> tại đây để đăng ký lại."
	msgGoneChat     = "📢 Sắp xếp đơn vị hành chính %s: %s không còn trong cây đơn vị mới. Nhóm này không còn gắn với đơn vị nào nên sẽ không nhận chỉ đạo, nhắc báo cáo. Xin đề nghị lãnh đạo đơn vị mới tạo mã mời (/mamoi) rồi gõ /dangky <mã mời> tại đây để đăng ký lại."
	msgUndoneChat   = "📢 Việc sắp xếp lại đơn vị đã được hoàn tác: nhóm này lại gắn với %s."
	maxNamesInText  = 8
	msgMoreNames    = "và %d đơn vị khác"
	msgNameListJoin = ", "
)

// nameList is "phường A (00001), phường B (00002) và 3 đơn vị khác".
func nameList(us []*units.Unit) string {
	var names []string
	for i, u := range us {
		if i == maxNamesInText {
			return strings.Join(names, msgNameListJoin) + " " + fmt.Sprintf(msgMoreNames, len(us)-i)
		}
		names = append(names, u.String())
	}
	return strings.Join(names, msgNameListJoin)
}
