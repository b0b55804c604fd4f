package contentrules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"
)

// verdict runs the policy as the hub does: the content against the name,
// then the claimed type against the content.
func verdict(c filecases.Case) (string, error) {
	mt, err := contentrules.DetectFile(c.Filename, c.Data)
	if err != nil {
		return "", err
	}
	return mt, contentrules.CheckClaim(c.Filename, mt, c.Claimed)
}

func TestFileCases(t *testing.T) {
	cases := filecases.Cases()
	if len(cases) < 20 {
		t.Fatalf("%d cases, want at least 20", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := verdict(c)
			if c.Reason == "" {
				if err != nil || got != c.Want {
					t.Fatalf("DetectFile(%q) = %q, %v; want %q", c.Filename, got, err, c.Want)
				}
				return
			}
			var fe *contentrules.FileError
			if !errors.As(err, &fe) || fe.Reason != c.Reason {
				t.Fatalf("DetectFile(%q) = %q, %v; want refused with %s", c.Filename, got, err, c.Reason)
			}
			if fe.Description == "" || fe.MessageVI == "" {
				t.Errorf("refusal without a message: %+v", fe)
			}
			if fe.Problem != contentrules.FileBadName && !strings.Contains(fe.MessageVI, c.Filename) {
				t.Errorf("the Vietnamese message %q does not name the file", fe.MessageVI)
			}
			if fe.Problem == contentrules.FileBadName && strings.Contains(fe.MessageVI+fe.Description, c.Filename) {
				t.Errorf("the message repeats the bad name: %q", fe.MessageVI)
			}
		})
	}
}

func TestCheckFilename(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reason string // "" when taken
	}{
		{"Quyết định số 15.pdf", ""},
		{"báo cáo (bản cuối).docx", ""},
		{"", contentrules.ReasonRequired},
		{"a/b.pdf", contentrules.ReasonInvalidFormat},
		{`C:\tmp\b.pdf`, contentrules.ReasonInvalidFormat},
		{"..", contentrules.ReasonInvalidFormat},
		{"bao\ncao.pdf", contentrules.ReasonInvalidFormat},
		{"bao\tcao.pdf", contentrules.ReasonInvalidFormat},
		{"bao\x7fcao.pdf", contentrules.ReasonInvalidFormat},
		{"bao\u2028cao.pdf", contentrules.ReasonInvalidFormat},
		{"x\xffy.pdf", contentrules.ReasonInvalidUTF8},
		{"x\ufffdy.pdf", contentrules.ReasonInvalidUTF8},
		{strings.Repeat("ệ", 252) + ".pdf", contentrules.ReasonTooLong},
		{strings.Repeat("ệ", 251) + ".pdf", ""},
	} {
		err := contentrules.CheckFilename(tc.name)
		var fe *contentrules.FileError
		switch {
		case tc.reason == "" && err != nil:
			t.Errorf("CheckFilename(%q) = %v, want nil", tc.name, err)
		case tc.reason != "" && (!errors.As(err, &fe) || fe.Reason != tc.reason || fe.Field != contentrules.FileFieldName):
			t.Errorf("CheckFilename(%q) = %v, want %s", tc.name, err, tc.reason)
		}
	}
	// Every character that changes the direction of text.
	for _, r := range []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c} {
		if err := contentrules.CheckFilename("hoa-don" + string(r) + "fdp.exe"); err == nil {
			t.Errorf("CheckFilename with U+%04X: nil, want refused", r)
		}
	}
}

func TestCheckClaim(t *testing.T) {
	for _, tc := range []struct {
		detected, claimed, reason string
	}{
		{contentrules.MediaPDF, "application/pdf", ""},
		{contentrules.MediaPDF, "Application/PDF", ""},
		{contentrules.MediaCSV, "text/csv", ""},
		{contentrules.MediaCSV, "text/csv; charset=UTF-8", ""},
		{contentrules.MediaPDF, "", contentrules.ReasonRequired},
		{contentrules.MediaPDF, "image/png", contentrules.ReasonFileTypeMismatch},
		{contentrules.MediaText, "text/csv", contentrules.ReasonFileTypeMismatch},
	} {
		err := contentrules.CheckClaim("x", tc.detected, tc.claimed)
		if fileReason(err) != tc.reason {
			t.Errorf("CheckClaim(%q, %q) = %v, want %q", tc.detected, tc.claimed, err, tc.reason)
		}
	}
}

func TestCheckAttachment(t *testing.T) {
	for _, tc := range []struct {
		name, claimed, stored, reason string
	}{
		{"Quyết định.pdf", "application/pdf", contentrules.MediaPDF, ""},
		{"Quyết định.PDF", "", contentrules.MediaPDF, ""},
		{"Danh sách.csv", "text/csv", contentrules.MediaCSV, ""},
		{"Danh sách.csv", "text/csv", "text/csv", ""}, // as an older sub-portal typed it
		{"anh.jpeg", "image/jpeg", contentrules.MediaJPEG, ""},
		// Text is typed by its name: the same bytes held as CSV are plain
		// text under a .txt name; JSON only if they were held as JSON.
		{"ghi-chu.txt", "text/plain", contentrules.MediaCSV, ""},
		{"du-lieu.csv", "text/csv", contentrules.MediaJSON, ""},
		{"ghi-chu.txt", "text/csv", contentrules.MediaCSV, contentrules.ReasonFileTypeMismatch},
		{"du-lieu.json", "application/json", contentrules.MediaCSV, contentrules.ReasonFileTypeMismatch},
		{"anh.png", "image/png", contentrules.MediaText, contentrules.ReasonFileTypeMismatch},
		{"report.exe", "application/pdf", contentrules.MediaPDF, contentrules.ReasonFileTypeRefused},
		{"report.zip", "", contentrules.MediaDOCX, contentrules.ReasonFileTypeRefused},
		{"report.docx", "", contentrules.MediaPDF, contentrules.ReasonFileTypeMismatch},
		{"report.pdf", "image/png", contentrules.MediaPDF, contentrules.ReasonFileTypeMismatch},
		// Stored by the hub before the one policy.
		{"setup.pdf", "application/pdf", "application/x-msdownload", contentrules.ReasonFileTypeRefused},
		{"archive.zip", "application/zip", "application/zip", contentrules.ReasonFileTypeRefused},
	} {
		err := contentrules.CheckAttachment(tc.name, tc.claimed, tc.stored)
		if fileReason(err) != tc.reason {
			t.Errorf("CheckAttachment(%q, %q, %q) = %v, want %q", tc.name, tc.claimed, tc.stored, err, tc.reason)
		}
	}
}

// fileReason is the reason of a *FileError, "" for nil.
func fileReason(err error) string {
	var fe *contentrules.FileError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	if err != nil {
		return "not a FileError: " + err.Error()
	}
	return ""
}

func TestCheckFileSize(t *testing.T) {
	for _, size := range []uint64{1, contentrules.MaxFileSize} {
		if err := contentrules.CheckFileSize(size); err != nil {
			t.Errorf("CheckFileSize(%d) = %v", size, err)
		}
	}
	var fe *contentrules.FileError
	err := contentrules.CheckFileSize(contentrules.MaxFileSize + 1)
	if !errors.As(err, &fe) || fe.Problem != contentrules.FileTooLarge || fe.Reason != contentrules.ReasonTooLarge ||
		fe.Field != contentrules.FileFieldSize || fe.MessageVI == "" {
		t.Errorf("CheckFileSize(32 MiB + 1) = %#v, want TOO_LARGE about the size", err)
	}
}
