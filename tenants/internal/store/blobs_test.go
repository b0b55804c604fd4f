package store_test

import (
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

func TestCheckFile(t *testing.T) {
	for _, tc := range []struct {
		filename, name string
		data           []byte
		kind           errs.Kind // Internal: taken
	}{
		{"Quyết định.pdf", "Quyết định.pdf", filecases.PDF(), errs.Internal},
		// A browser's folder is dropped; the name becomes NFC.
		{`C:\fakepath\Quye` + "\u0302\u0301" + `t định.pdf`, "Quyết định.pdf", filecases.PDF(), errs.Internal},
		{"/tmp/x/bao-cao.pdf", "bao-cao.pdf", filecases.PDF(), errs.Internal},
		{"hoa-don\u202efdp.exe", "hoa-don\u202efdp.exe", filecases.WindowsExe(), errs.InvalidArgument},
		{"", "", filecases.PDF(), errs.InvalidArgument},
		{"a/", "", filecases.PDF(), errs.InvalidArgument},
		{"rong.pdf", "rong.pdf", nil, errs.InvalidArgument},
		{"hoa-don.pdf", "hoa-don.pdf", filecases.WindowsExe(), errs.UnsupportedMediaType},
		{"bao-cao.docx", "bao-cao.docx", filecases.PDF(), errs.UnsupportedMediaType},
	} {
		name, mt, err := store.CheckFile(tc.filename, tc.data)
		if name != tc.name {
			t.Errorf("CheckFile(%q): name %q, want %q", tc.filename, name, tc.name)
		}
		if tc.kind == errs.Internal {
			if err != nil || mt != contentrules.MediaPDF {
				t.Errorf("CheckFile(%q) = %q, %v; want a PDF", tc.filename, mt, err)
			}
			continue
		}
		if e := errs.As(err); e == nil || e.Kind != tc.kind || e.MessageVI == "" || e.Message == "" {
			t.Errorf("CheckFile(%q) = %q, %v; want kind %v with messages", tc.filename, mt, err, tc.kind)
		}
	}
}

func TestPutBlobRefusesArchives(t *testing.T) {
	s, _ := storetest.New(t)
	for _, c := range filecases.Cases() {
		if c.Name != "plain zip" {
			continue
		}
		if _, err := s.PutBlob(t.Context(), c.Filename, c.Data); errs.KindOf(err) != errs.UnsupportedMediaType {
			t.Errorf("PutBlob(%s) err = %v, want UnsupportedMediaType", c.Filename, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("%d blobs stored", n)
	}
}

// A file larger than the hub takes (32 MiB) is refused before it is stored,
// with the hub's reason (TOO_LARGE), so the sub-portal and UploadBlob agree.
func TestPutBlobTooLarge(t *testing.T) {
	s, _ := storetest.New(t)
	big := append(filecases.PDF(), make([]byte, 32<<20)...)
	_, err := s.PutBlob(t.Context(), "bao-cao.pdf", big)
	if e := errs.As(err); e == nil || e.Kind != errs.TooLarge || e.Reason != contentrules.ReasonTooLarge || e.MessageVI == "" {
		t.Errorf("PutBlob(32 MiB + %d bytes) = %v, want TooLarge with reason %s", len(filecases.PDF()), err, contentrules.ReasonTooLarge)
	}
	if n := count(t, s, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("%d blobs stored", n)
	}
}
