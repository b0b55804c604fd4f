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
	return message(confirmationTexts, "feedback.received", lang, to, code, siteURL)
}

// answeredTexts tell the visitor their question was answered.
var answeredTexts = map[string]struct{ subject, body string }{
	"vi": {"Câu hỏi %s của bạn đã được trả lời",
		"Cơ quan có thẩm quyền đã trả lời câu hỏi của bạn (mã %s).\n\nXem câu trả lời: %s\n\nĐây là thư tự động; vui lòng không trả lời thư này."},
	"en": {"Your question %s has been answered",
		"The competent agency has answered your question (code %s).\n\nRead the answer: %s\n\nThis message was sent automatically; please do not reply to it."},
	"ru": {"На ваш вопрос %s дан ответ",
		"Компетентный орган ответил на ваш вопрос (код %s).\n\nПрочитать ответ: %s\n\nЭто автоматическое сообщение; пожалуйста, не отвечайте на него."},
}

// answered is the e-mail that tells to that the question with code was
// answered; the answer itself is on the status page only.
func answered(lang, to, code, siteURL string) mailout.Message {
	return message(answeredTexts, "feedback.answered", lang, to, code, siteURL)
}

// message is texts' e-mail in lang (Vietnamese when it has none) about the
// question with code, naming the code and linking its status page.
func message(texts map[string]struct{ subject, body string }, purpose, lang, to, code, siteURL string) mailout.Message {
	t, ok := texts[lang]
	if !ok {
		lang, t = "vi", texts["vi"]
	}
	shown := feedbackrules.FormatCode(code)
	return mailout.Message{To: to, Subject: fmt.Sprintf(t.subject, shown), Text: fmt.Sprintf(t.body, shown, statusLink(siteURL, lang, shown)),
		Purpose: purpose}
}

func statusLink(siteURL, lang, shown string) string {
	return strings.TrimSuffix(siteURL, "/") + "/" + lang + "/feedback/status?code=" + shown
}

// infoTexts ask the visitor for more information; the request itself and
// the reply are on the status page.
var infoTexts = map[string]struct{ subject, body string }{
	"vi": {"Cơ quan cần thêm thông tin về câu hỏi %s của bạn",
		"Cơ quan có thẩm quyền cần thêm thông tin để trả lời câu hỏi của bạn (mã %s).\n\nXem yêu cầu và trả lời tại: %s\n\nĐây là thư tự động; vui lòng không trả lời thư này."},
	"en": {"The agency needs more information about your question %s",
		"The competent agency needs more information to answer your question (code %s).\n\nRead the request and reply at: %s\n\nThis message was sent automatically; please do not reply to it."},
	"ru": {"Органу нужна дополнительная информация по вашему вопросу %s",
		"Компетентному органу нужна дополнительная информация, чтобы ответить на ваш вопрос (код %s).\n\nПрочитать запрос и ответить: %s\n\nЭто автоматическое сообщение; пожалуйста, не отвечайте на него."},
}

// infoRequested is the e-mail that tells to the agency asks for more
// information about the question with code.
func infoRequested(lang, to, code, siteURL string) mailout.Message {
	return message(infoTexts, "feedback.info_requested", lang, to, code, siteURL)
}
