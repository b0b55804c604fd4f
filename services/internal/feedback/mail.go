package feedback

import (
	"fmt"
	"strings"

	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/mailout"
)

// confirmationTexts are the confirmation e-mail in each language: subject,
// and body with the tracking code and the status page's address.
var confirmationTexts = map[string]struct{ subject, body string }{
	"vi": {"Cổng TTĐT tỉnh Khánh Hòa đã nhận câu hỏi của bạn (mã %s)",
		"Cổng thông tin điện tử tỉnh Khánh Hòa đã nhận câu hỏi của bạn và chuyển đến cơ quan có thẩm quyền.\n\n" +
			"Mã theo dõi: %s\nXem tình trạng xử lý: %s\n\n" +
			"Thông tin liên hệ của bạn chỉ dùng để trả lời câu hỏi này và được xóa khi hết thời hạn lưu trữ.\n" +
			"Đây là thư tự động; vui lòng không trả lời thư này."},
	"en": {"Khanh Hoa Provincial Portal received your question (code %s)",
		"The Khanh Hoa Provincial Portal has received your question and routed it to the competent agency.\n\n" +
			"Tracking code: %s\nFollow its status: %s\n\n" +
			"Your contact details are used only to answer this question and are deleted when the retention period ends.\n" +
			"This message was sent automatically; please do not reply to it."},
	"ru": {"Портал провинции Кханьхоа получил ваш вопрос (код %s)",
		"Портал провинции Кханьхоа получил ваш вопрос и передал его в компетентный орган.\n\n" +
			"Код отслеживания: %s\nСтатус обращения: %s\n\n" +
			"Ваши контактные данные используются только для ответа на этот вопрос и удаляются по истечении срока хранения.\n" +
			"Это автоматическое сообщение; пожалуйста, не отвечайте на него."},
}

// confirmation is the e-mail that confirms a submission to to, in lang.
func confirmation(lang, to, code, siteURL string) mailout.Message {
	t, ok := confirmationTexts[lang]
	if !ok {
		t = confirmationTexts["vi"]
	}
	shown := feedbackrules.FormatCode(code)
	link := strings.TrimSuffix(siteURL, "/") + "/" + lang + "/feedback/status?code=" + shown
	return mailout.Message{To: to, Subject: fmt.Sprintf(t.subject, shown), Text: fmt.Sprintf(t.body, shown, link),
		Purpose: "feedback.received"}
}
