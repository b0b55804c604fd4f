package contentrules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckFilename refuses a file name the portal would not show as it is: an
// empty one (REQUIRED), one not UTF-8 (INVALID_UTF8) or longer than
// MaxFilename characters (TOO_LONG), and, as INVALID_FORMAT, one with a
// folder in it ("/" or "\"), "." and "..", and one holding control
// characters or the invisible characters that change the direction of text
// (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), with which
// "hoadon\u202Efdp.exe" reads "hoadonexe.pdf". The refusal is a *FileError
// whose messages do not repeat the name, which may be what is wrong.
func CheckFilename(name string) error {
	bad := func(reason, en, vi string) error {
		return &FileError{Problem: FileBadName, Reason: reason, Field: FileFieldName, Description: en, MessageVI: vi}
	}
	switch {
	case name == "":
		return bad(ReasonRequired, "a file name is required", "Tệp phải có tên.")
	case !utf8.ValidString(name) || strings.ContainsRune(name, utf8.RuneError):
		return bad(ReasonInvalidUTF8, "the file name is not valid UTF-8", "Tên tệp không phải văn bản Unicode (UTF-8) hợp lệ.")
	case utf8.RuneCountInString(name) > MaxFilename:
		return bad(ReasonTooLong, "a file name is at most 255 characters", "Tên tệp dài quá 255 ký tự.")
	}
	if err := filenameShape(name); err != nil {
		return err
	}
	return nil
}

// filenameShape is CheckFilename's INVALID_FORMAT part, for names whose
// encoding and length are checked elsewhere (Prepare checks every string's).
func filenameShape(name string) *FileError {
	bad := func(en, vi string) *FileError {
		return &FileError{Problem: FileBadName, Reason: ReasonInvalidFormat, Field: FileFieldName, Description: en, MessageVI: vi}
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return bad(`a file name without a folder (no "/" or "\")`, `Tên tệp không được chứa thư mục (dấu / hoặc \).`)
	}
	for _, r := range name {
		if bidiControl(r) {
			return bad(`the file name holds an invisible character that changes the direction of text (such as U+202E), which can disguise a file's type ("…exe.pdf"); rename the file`,
				"Tên tệp chứa ký tự ẩn làm đổi chiều văn bản (như U+202E), có thể dùng để ngụy trang loại tệp (ví dụ “…exe.pdf”). Hãy đổi tên tệp.")
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return bad("the file name holds a control character (such as a line break or tab); rename the file",
				"Tên tệp chứa ký tự điều khiển (như xuống dòng hay tab). Hãy đổi tên tệp.")
		}
	}
	return nil
}

// bidiControl reports the characters that change the direction of text:
// the embeddings and overrides (U+202A..U+202E), the isolates
// (U+2066..U+2069) and the marks (U+200E, U+200F, U+061C).
func bidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200e' || r == '\u200f' || r == '\u061c'
}
