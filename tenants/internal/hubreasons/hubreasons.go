// Package hubreasons explains the hub's refusal reason codes (see
// docs/ARCHITECTURE.md, "Reason codes") to an editor, in Vietnamese or
// English: what the code means and how to fix the item so that the next
// version is accepted.
package hubreasons

import "strings"

// Explanation is what an editor reads about one refusal.
type Explanation struct {
	// Code is the reason code the explanation is about ("" for an unknown one).
	Code string
	// Title names the problem in a few words.
	Title string
	// Meaning says what the hub found.
	Meaning string
	// Fix says what to do.
	Fix string
}

type entry struct {
	vi, en Explanation
}

func ex(title, meaning, fix string) Explanation {
	return Explanation{Title: title, Meaning: meaning, Fix: fix}
}

// catalogue holds one entry per reason code of the hub.
var catalogue = map[string]entry{
	"REQUIRED": {
		vi: ex("Thiếu trường bắt buộc",
			"Một trường bắt buộc (ví dụ tiêu đề, đường dẫn hoặc người phê duyệt) đang để trống.",
			"Mở nội dung, điền trường được nêu trong chi tiết lỗi, lưu và trình duyệt lại để phê duyệt phiên bản mới."),
		en: ex("A required field is empty",
			"A required field (for example the title, the slug or the approver) is empty.",
			"Open the item, fill in the field named in the details, save, and submit it again so a new version is approved."),
	},
	"INVALID_UTF8": {
		vi: ex("Văn bản không phải Unicode hợp lệ",
			"Văn bản chứa byte không hợp lệ theo UTF-8, thường do sao chép từ tài liệu dùng bảng mã cũ (TCVN3, VNI).",
			"Gõ lại hoặc dán lại đoạn văn bản bằng Unicode (bảng mã dựng sẵn), kiểm tra các ký tự có dấu, rồi trình duyệt lại."),
		en: ex("Text is not valid Unicode",
			"The text holds bytes that are not valid UTF-8, usually pasted from a document in a legacy encoding (TCVN3, VNI).",
			"Retype or paste the text again as Unicode, check the accented letters, then submit again."),
	},
	"LEGACY_ENCODING": {
		vi: ex("Văn bản dùng bảng mã cũ",
			"Tiêu đề, tóm tắt hoặc nội dung tiếng Việt được gõ bằng bảng mã cũ (TCVN3/ABC, VNI, VISCII, Windows-1258) hoặc bị đọc nhầm bảng mã, không phải Unicode; cổng tỉnh chỉ nhận Unicode (Điều 7.6).",
			"Mở nội dung, để hệ thống chuyển sang Unicode (bỏ chọn “Giữ nguyên như đã gõ”) hoặc dán lại văn bản từ tài liệu gốc bằng Unicode, rồi trình duyệt lại."),
		en: ex("Text in a legacy encoding",
			"The Vietnamese title, summary or body is typed in a legacy encoding (TCVN3/ABC, VNI, VISCII, Windows-1258) or was misread, not Unicode; the hub takes Unicode only (Art. 7.6).",
			"Open the item and let it be converted to Unicode (untick “Keep as typed”), or paste the text again from the original document as Unicode, then submit again."),
	},
	"TOO_LONG": {
		vi: ex("Văn bản quá dài",
			"Một trường văn bản dài hơn giới hạn của cổng tỉnh (tiêu đề tối đa 300 ký tự, tóm tắt 1.000, các trường khác 2.000).",
			"Rút gọn trường được nêu trong chi tiết lỗi rồi trình duyệt lại."),
		en: ex("Text too long",
			"A text field is longer than the hub's limit (title 300 characters, summary 1,000, other fields 2,000).",
			"Shorten the field named in the details, then submit again."),
	},
	"TOO_LARGE": {
		vi: ex("Nội dung hoặc tệp quá lớn",
			"Phần thân bài sau khi làm sạch vượt 1 MiB, hoặc một tệp đính kèm vượt 32 MiB.",
			"Chia bài thành nhiều bài, bỏ bớt ảnh nhúng, hoặc nén/tách tệp đính kèm, rồi trình duyệt lại."),
		en: ex("Body or file too large",
			"The body is over 1 MiB after sanitising, or an attachment is over 32 MiB.",
			"Split the item, remove embedded images, or compress or split the file, then submit again."),
	},
	"TOO_MANY": {
		vi: ex("Danh sách quá dài",
			"Một danh sách vượt giới hạn (tối đa 20 tệp đính kèm, 20 tác giả, 200 cán bộ của một đơn vị).",
			"Bớt số phần tử trong danh sách được nêu rồi trình duyệt lại."),
		en: ex("List too long",
			"A list is over its limit (20 attachments, 20 authors, 200 officials per unit).",
			"Remove entries from the list named in the details, then submit again."),
	},
	"INVALID_FORMAT": {
		vi: ex("Sai định dạng",
			"Một mã, đường dẫn (slug), địa chỉ web, ngày, mã băm hoặc thư điện tử không đúng định dạng.",
			"Sửa trường được nêu: slug chỉ gồm a-z, 0-9 và dấu -; địa chỉ web bắt đầu bằng https://; ngày theo dạng NNNN-TT-NN; thư điện tử có dạng ten@coquan.gov.vn."),
		en: ex("Wrong format",
			"An id, slug, URL, date, hash or e-mail address has the wrong shape.",
			"Fix the field named: slugs use a-z, 0-9 and -; URLs start with https://; dates are YYYY-MM-DD; e-mail addresses look like name@agency.gov.vn."),
	},
	"VERSION_ZERO": {
		vi: ex("Phiên bản bằng 0",
			"Cổng thành phần đã gửi phiên bản 0; đây là lỗi của phần mềm, không phải của biên tập viên.",
			"Báo cho quản trị hệ thống; phê duyệt lại nội dung sẽ tạo phiên bản mới hợp lệ."),
		en: ex("Version zero",
			"The sub-portal sent version 0; this is a software fault, not an editor's mistake.",
			"Tell the system administrator; approving the item again creates a new valid version."),
	},
	"UNKNOWN_LOCALE": {
		vi: ex("Ngôn ngữ không được hỗ trợ",
			"Có bản dịch bằng ngôn ngữ khác tiếng Việt, tiếng Anh, tiếng Nga.",
			"Chỉ dùng các bản vi, en, ru; xóa bản dịch khác rồi trình duyệt lại."),
		en: ex("Unsupported language",
			"A translation is in a language other than Vietnamese, English or Russian.",
			"Use only vi, en and ru; remove the other translation, then submit again."),
	},
	"DUPLICATE_LOCALE": {
		vi: ex("Trùng bản dịch",
			"Có hai bản dịch cho cùng một ngôn ngữ.",
			"Giữ lại một bản cho mỗi ngôn ngữ rồi trình duyệt lại."),
		en: ex("Duplicate translation",
			"There are two translations in one language.",
			"Keep one translation per language, then submit again."),
	},
	"MISSING_VIETNAMESE": {
		vi: ex("Thiếu bản tiếng Việt",
			"Nội dung không có bản tiếng Việt; tiếng Việt là bắt buộc.",
			"Điền tiêu đề và nội dung tiếng Việt rồi trình duyệt lại."),
		en: ex("No Vietnamese text",
			"The item has no Vietnamese translation, which is required.",
			"Fill in the Vietnamese title and text, then submit again."),
	},
	"UNKNOWN_CATEGORY": {
		vi: ex("Chuyên mục không có trong danh mục của cổng tỉnh",
			"Mã chuyên mục không thuộc danh mục chuyên mục của cổng tỉnh (Điều 8).",
			"Chọn một chuyên mục trong danh sách của biểu mẫu (ví dụ Tin tức, Văn bản pháp luật) rồi trình duyệt lại."),
		en: ex("Category not in the hub's list",
			"The category code is not one of the hub's categories (Article 8).",
			"Choose a category from the form's list (for example News, Legal documents), then submit again."),
	},
	"KIND_CATEGORY_MISMATCH": {
		vi: ex("Chuyên mục không nhận loại nội dung này",
			"Chuyên mục đã chọn không nhận loại nội dung của mục này (ví dụ văn bản pháp luật xếp vào Tin tức).",
			"Chọn một chuyên mục trong danh sách của biểu mẫu: danh sách chỉ gồm các chuyên mục nhận loại nội dung này; rồi trình duyệt lại."),
		en: ex("Category does not take this kind",
			"The chosen category does not admit this item's kind (for example a legal document filed under News).",
			"Choose a category from the form's list, which offers only the categories that admit this kind, then submit again."),
	},
	"UNKNOWN_KIND": {
		vi: ex("Chưa chọn loại nội dung",
			"Loại nội dung (bài viết, văn bản pháp luật, dịch vụ công…) chưa được xác định.",
			"Tạo lại nội dung với đúng loại; báo quản trị nếu lỗi lặp lại."),
		en: ex("Kind not set",
			"The kind of content (article, legal document, public service…) is unspecified.",
			"Create the item again with the right kind; tell the administrator if it happens again."),
	},
	"DETAILS_MISMATCH": {
		vi: ex("Thông tin chi tiết không khớp loại nội dung",
			"Thông tin chi tiết thuộc một loại nội dung khác với loại đã chọn (ví dụ số hiệu văn bản trên một bài tin).",
			"Kiểm tra loại nội dung và các trường chi tiết; báo quản trị nếu không sửa được trong biểu mẫu."),
		en: ex("Details do not match the kind",
			"The details belong to another kind than the item's (for example a document number on a news article).",
			"Check the kind and its detail fields; tell the administrator if the form cannot fix it."),
	},
	"UNKNOWN_STATE": {
		vi: ex("Trạng thái xuất bản không xác định",
			"Phiên bản gửi lên không nêu trạng thái (đăng, gỡ, chuyển hướng, không còn).",
			"Báo cho quản trị hệ thống; đây là lỗi phần mềm."),
		en: ex("Publication state unspecified",
			"The version does not say whether it is published, withdrawn, redirected or gone.",
			"Tell the system administrator; this is a software fault."),
	},
	"MISSING_REASON": {
		vi: ex("Thiếu lý do gỡ",
			"Gỡ nội dung phải có lý do công khai để hiển thị cho người đọc.",
			"Yêu cầu gỡ lại, nhập lý do công khai (ví dụ \"Văn bản đã hết hiệu lực\")."),
		en: ex("No reason for withdrawal",
			"A withdrawn item needs a public reason shown to readers.",
			"Request the withdrawal again with a public reason (for example \"The document has expired\")."),
	},
	"INVALID_SUCCESSOR": {
		vi: ex("Đích chuyển hướng không hợp lệ",
			"Chuyển hướng phải có đúng một đích: một nội dung thay thế (mã đơn vị và mã nội dung đúng định dạng) hoặc một địa chỉ web đầy đủ, và không trỏ về chính nó.",
			"Yêu cầu chuyển hướng lại với đúng một đích: chọn nội dung thay thế, hoặc nhập địa chỉ bắt đầu bằng https://."),
		en: ex("Invalid redirect target",
			"A redirect needs exactly one target: a successor item (a well-formed tenant and content id) or a full URL, and not the item itself.",
			"Request the redirect again with exactly one target: a successor item, or a URL starting with https://."),
	},
	"SUCCESSOR_NOT_FOUND": {
		vi: ex("Cổng tỉnh chưa có nội dung thay thế",
			"Nội dung được chọn để chuyển hướng tới chưa có trên cổng tỉnh (chưa được đăng, hoặc sai mã đơn vị hay mã nội dung).",
			"Đăng nội dung thay thế trước (hoặc kiểm tra lại mã), rồi yêu cầu chuyển hướng lại."),
		en: ex("The hub lacks the successor",
			"The item to redirect to is not held by the hub (not published yet, or a wrong tenant or content id).",
			"Publish the successor first (or check its ids), then request the redirect again."),
	},
	"SLUG_TAKEN": {
		vi: ex("Đường dẫn đã được dùng",
			"Một nội dung khác của đơn vị đã dùng đường dẫn (slug) này, ở một ngôn ngữ nào đó.",
			"Đổi đường dẫn (slug) của bản dịch được nêu, ví dụ thêm năm hoặc số, rồi trình duyệt lại."),
		en: ex("Slug already used",
			"Another item of this sub-portal uses this slug, in some language.",
			"Change the slug of the translation named, for example by adding a year or a number, then submit again."),
	},
	"SLUG_RESERVED": {
		vi: ex("Đường dẫn trùng với một chuyên mục",
			"Đường dẫn (slug) của nội dung trùng với đường dẫn của một chuyên mục (ví dụ van-ban-phap-luat), ở một ngôn ngữ nào đó: cổng sẽ mở chuyên mục chứ không mở nội dung.",
			"Đổi đường dẫn (slug) của bản dịch được nêu, ví dụ thêm vài từ của tiêu đề, rồi trình duyệt lại."),
		en: ex("Slug is a section's address",
			"The item's slug is the address of a section (a category, e.g. legal-documents), in some language: the portal would show the section, not the item.",
			"Change the slug of the translation named, for example by adding words of the title, then submit again."),
	},
	"VERSION_CONFLICT": {
		vi: ex("Xung đột phiên bản",
			"Cổng tỉnh đã giữ phiên bản cùng số nhưng khác nội dung (ví dụ sau khi khôi phục cơ sở dữ liệu từ bản sao lưu cũ).",
			"Phê duyệt lại nội dung: phiên bản mới sẽ có số lớn hơn. Báo quản trị nếu lỗi lặp lại."),
		en: ex("Version conflict",
			"The hub holds the same version number with other content (for example after restoring an old backup).",
			"Approve the item again: the new version gets a higher number. Tell the administrator if it happens again."),
	},
	"BLOB_MISSING": {
		vi: ex("Cổng tỉnh chưa có tệp đính kèm",
			"Tệp đính kèm chưa được tải lên cổng tỉnh. Cổng thành phần thường tự tải lại và gửi lại.",
			"Chờ vài phút; nếu vẫn bị từ chối, tải lại tệp trong biểu mẫu và trình duyệt lại."),
		en: ex("The hub lacks an attachment",
			"An attachment's file was never uploaded to the hub. The sub-portal normally uploads it and retries.",
			"Wait a few minutes; if it is still refused, upload the file again in the form and submit again."),
	},
	"BLOB_MISMATCH": {
		vi: ex("Tệp bị hỏng khi truyền",
			"Nội dung tệp nhận được không khớp mã SHA-256 hoặc kích thước đã khai.",
			"Tải lại tệp trong biểu mẫu và trình duyệt lại; báo quản trị nếu lỗi lặp lại."),
		en: ex("File damaged in transit",
			"The uploaded bytes do not match the declared SHA-256 or size.",
			"Upload the file again in the form and submit again; tell the administrator if it happens again."),
	},
	"FILE_TYPE_REFUSED": {
		vi: ex("Loại tệp không được nhận",
			"Cổng tỉnh không đăng loại tệp này: chương trình chạy được (.exe, WebAssembly, tập lệnh), tệp nén (ZIP, JAR, APK…), SVG, HTML, XML, hoặc tệp có đuôi không thuộc danh sách (PDF, ảnh, tài liệu văn phòng, CSV, JSON, văn bản thuần).",
			"Bỏ tệp đó khỏi nội dung, hoặc thay bằng bản PDF hay tài liệu văn phòng có đuôi đúng loại, rồi trình duyệt lại."),
		en: ex("File type not accepted",
			"The hub does not serve this type of file: a program (.exe, WebAssembly, a script), an archive (ZIP, JAR, APK, ...), SVG, HTML, XML, or a name whose extension is not on the list (PDF, images, office documents, CSV, JSON, plain text).",
			"Remove the file from the item, or replace it with a PDF or office document named with its extension, then submit again."),
	},
	"FILE_TYPE_MISMATCH": {
		vi: ex("Nội dung tệp không đúng với tên hoặc kiểu khai báo",
			"Nội dung của tệp là một loại khác với đuôi tên tệp hoặc kiểu tệp (media type) đã khai, ví dụ một ảnh PNG mang tên .pdf, hay tệp .docx chỉ là tệp nén không có văn bản bên trong.",
			"Mở tệp để kiểm tra, lưu lại đúng định dạng (hoặc đổi đuôi cho đúng loại) rồi đính kèm lại và trình duyệt lại."),
		en: ex("File content does not match its name or declared type",
			"The file's content is of another type than its name's extension or its declared media type says, for example a PNG image named .pdf, or a .docx that is only an archive with no document inside.",
			"Open the file to check it, save it in the right format (or give it the right extension), attach it again and submit again."),
	},
	"UNAUTHENTICATED": {
		vi: ex("Cổng thành phần chưa được xác thực",
			"Khóa truy cập của cổng thành phần tới cổng tỉnh bị thiếu, sai hoặc đã bị thu hồi.",
			"Báo cho quản trị hệ thống để cấp lại khóa (hubctl credentials issue); nội dung sẽ được gửi lại sau đó."),
		en: ex("Sub-portal not authenticated",
			"The sub-portal's hub credential is missing, wrong or revoked.",
			"Ask the system administrator to issue a new credential (hubctl credentials issue); the item is sent again afterwards."),
	},
	"TENANT_MISMATCH": {
		vi: ex("Sai đơn vị",
			"Khóa truy cập thuộc một đơn vị khác với đơn vị cấu hình cho cổng thành phần này.",
			"Báo cho quản trị hệ thống để sửa cấu hình SUBPORTAL_TENANT hoặc khóa truy cập; nội dung sẽ được gửi lại sau đó."),
		en: ex("Wrong tenant",
			"The credential belongs to another tenant than the one this sub-portal is configured for.",
			"Ask the system administrator to fix SUBPORTAL_TENANT or the credential; the item is sent again afterwards."),
	},
	"TENANT_INACTIVE": {
		vi: ex("Đơn vị đang bị tạm dừng",
			"Cổng tỉnh đang tạm dừng hoặc đã ngừng đơn vị này nên không nhận nội dung.",
			"Liên hệ Ban quản trị cổng tỉnh; nội dung sẽ được gửi lại khi đơn vị hoạt động trở lại."),
		en: ex("Sub-portal suspended",
			"The hub has suspended or retired this tenant and takes no content from it.",
			"Contact the provincial portal's administrators; the item is sent again once the tenant is active."),
	},
	"RATE_LIMITED": {
		vi: ex("Quá nhiều lần xác thực sai",
			"Cổng tỉnh đã nhận quá nhiều lời gọi với thông tin xác thực không hợp lệ hoặc đã bị thu hồi từ địa chỉ của cổng thành phần, nên tạm từ chối các thông tin xác thực chưa được kiểm tra từ địa chỉ này.",
			"Kiểm tra thông tin xác thực (token) đang cấu hình cho cổng thành phần; nếu đã bị thu hồi, đề nghị quản trị cổng tỉnh cấp mới. Việc gửi sẽ tự thử lại sau ít phút."),
		en: ex("Too many failed authentications",
			"The hub received too many calls with unknown or revoked credentials from this sub-portal's address, so it refuses credentials it has not checked yet from that address for a while.",
			"Check the credential (token) the sub-portal is configured with; if it was revoked, ask the hub's operators for a new one. Delivery retries by itself in a few minutes."),
	},
	"UNAVAILABLE": {
		vi: ex("Cổng tỉnh tạm thời không nhận",
			"Cổng tỉnh chưa trả lời được lúc này (cơ sở dữ liệu đang khởi động lại, hoặc nội dung vừa được thay đổi đồng thời).",
			"Không cần làm gì: cổng thành phần tự gửi lại. Báo quản trị nếu nội dung vẫn chưa được gửi sau một giờ."),
		en: ex("The hub is unavailable for now",
			"The hub could not answer now (its database is restarting, or the item changed concurrently).",
			"Nothing to do: the sub-portal sends it again. Tell the administrator if it is still not delivered after an hour."),
	},
}

// byGRPCCode explains a refusal without a reason code, by its gRPC code.
var byGRPCCode = map[string]entry{
	"PermissionDenied": {
		vi: ex("Cổng tỉnh từ chối quyền", "Cổng tỉnh không cho đơn vị này thực hiện thao tác.", "Báo cho quản trị hệ thống."),
		en: ex("Permission denied", "The hub does not allow this tenant to do this.", "Tell the system administrator."),
	},
	"Unauthenticated": catalogue["UNAUTHENTICATED"],
}

var unknown = entry{
	vi: ex("Cổng tỉnh từ chối nội dung",
		"Cổng tỉnh từ chối phiên bản này với một mã lỗi chưa có trong danh mục giải thích.",
		"Đọc chi tiết lỗi bên dưới, sửa nội dung và trình duyệt lại; báo quản trị nếu chưa rõ cách sửa."),
	en: ex("The hub refused the item",
		"The hub refused this version with a code this catalogue does not explain yet.",
		"Read the details below, fix the item and submit again; tell the administrator if the fix is unclear."),
}

// Explain returns the explanation of a refusal in lang ("vi" or "en"; any
// other language gets Vietnamese). reason is the hub's reason code (e.g.
// "SLUG_TAKEN"); grpcCode (e.g. "InvalidArgument") is used when the reason
// is empty or unknown.
func Explain(reason, grpcCode, lang string) Explanation {
	reason = strings.ToUpper(strings.TrimSpace(reason))
	e, ok := catalogue[reason]
	code := reason
	if !ok {
		code = ""
		if e, ok = byGRPCCode[grpcCode]; !ok {
			e = unknown
		}
	}
	x := e.vi
	if lang == "en" {
		x = e.en
	}
	x.Code = code
	return x
}

// Codes returns every reason code the catalogue explains.
func Codes() []string {
	out := make([]string, 0, len(catalogue))
	for c := range catalogue {
		out = append(out, c)
	}
	return out
}
