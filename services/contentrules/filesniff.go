package contentrules

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// sniffed is what a file's content is, as far as the bytes tell: a media
// type of the policy's list, text (typed by the name), or a problem.
type sniffed struct {
	mediaType string
	text      bool
	problem   FileProblem
}

// sniff reads the type of a file from its content alone: magic numbers
// first, then markup a browser would run, then text.
func sniff(data []byte) sniffed {
	has := func(prefix string) bool { return bytes.HasPrefix(data, []byte(prefix)) }
	switch {
	case has("%PDF-"):
		return sniffed{mediaType: MediaPDF}
	case has("\x89PNG\r\n\x1a\n"):
		return sniffed{mediaType: MediaPNG}
	case has("\xff\xd8\xff"):
		return sniffed{mediaType: MediaJPEG}
	case has("GIF87a"), has("GIF89a"):
		return sniffed{mediaType: MediaGIF}
	case len(data) >= 12 && has("RIFF") && string(data[8:12]) == "WEBP":
		return sniffed{mediaType: MediaWebP}
	case has("PK\x03\x04"), has("PK\x05\x06"):
		if t := officeType(data); t != "" {
			return sniffed{mediaType: t}
		}
		return sniffed{problem: FileArchive}
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		if t := oleType(data); t != "" {
			return sniffed{mediaType: t}
		}
		return sniffed{problem: FileUnknown}
	case executable(data):
		return sniffed{problem: FileExecutable}
	case archive(data):
		return sniffed{problem: FileArchive}
	case activeContent(data):
		return sniffed{problem: FileActive}
	case isText(data):
		return sniffed{text: true}
	}
	return sniffed{problem: FileUnknown}
}

// executable reports programs: Windows (MZ), Linux and other Unix (ELF),
// macOS (Mach-O, also universal), Java classes (which share the universal
// Mach-O magic), Android DEX, WebAssembly modules and scripts (#!). An "MZ"
// that is plain text is text.
func executable(data []byte) bool {
	for _, magic := range []string{"\x7fELF", "\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe",
		"\xca\xfe\xba\xbe", "dex\n0", "\x00asm", "#!"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return true
		}
	}
	return bytes.HasPrefix(data, []byte("MZ")) && !isText(data)
}

// archive reports compressed archives other than ZIP: RAR, 7-Zip, gzip,
// bzip2, xz, Zstandard, cabinet and tar. Text that happens to start like
// one is text.
func archive(data []byte) bool {
	if isText(data) {
		return false
	}
	for _, magic := range []string{"Rar!\x1a\x07", "7z\xbc\xaf\x27\x1c", "\x1f\x8b", "BZh", "\xfd7zXZ\x00", "\x28\xb5\x2f\xfd", "MSCF"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return true
		}
	}
	return len(data) >= 262 && string(data[257:262]) == "ustar"
}

// activeContent reports markup a browser would render or run, looking at
// the start of the file (after a BOM and white space), case-insensitively.
func activeContent(data []byte) bool {
	head := data[:min(len(data), 1024)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\f"))
	for _, p := range []string{"<?xml", "<svg", "<!doctype", "<html", "<head", "<body", "<script", "<iframe", "<!--", "<xsl", "<?xsl"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("<svg")) || bytes.Contains(head, []byte("<script")) || bytes.Contains(head, []byte("<html"))
}

// isText reports UTF-8 text without NUL (a BOM allowed).
func isText(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0
}

// ooxmlMain maps the content type of an Office Open XML package's main part
// (as [Content_Types].xml declares it) to the document's media type.
// Macro-enabled documents and templates are not among them.
var ooxmlMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   MediaDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         MediaXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": MediaPPTX,
}

// odfTypes are the OpenDocument types taken, as the package's mimetype
// entry names them.
var odfTypes = map[string]bool{MediaODT: true, MediaODS: true, MediaODP: true}

// officeType types a ZIP archive by what it holds: an Office Open XML
// document ([Content_Types].xml declaring a Word, Excel or PowerPoint main
// part that the archive holds) or an OpenDocument one (a mimetype entry
// naming a text, spreadsheet or presentation, and content.xml). It returns
// "" for any other archive (a plain ZIP, a JAR, an APK, a hollow document).
func officeType(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	entries := map[string]*zip.File{}
	parts := map[string]bool{} // OOXML part names ignore case
	for _, f := range zr.File {
		entries[f.Name] = f
		parts[strings.ToLower(f.Name)] = true
	}
	if f := entries["mimetype"]; f != nil && entries["content.xml"] != nil {
		if b, err := readZipEntry(f, 128); err == nil {
			if t := strings.TrimSpace(string(b)); odfTypes[t] {
				return t
			}
		}
	}
	f := entries["[Content_Types].xml"]
	if f == nil {
		return ""
	}
	b, err := readZipEntry(f, 1<<20)
	if err != nil {
		return ""
	}
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(b, &types); err != nil {
		return ""
	}
	for _, o := range types.Overrides {
		t, ok := ooxmlMain[strings.ToLower(strings.TrimSpace(o.ContentType))]
		if ok && parts[strings.ToLower(strings.TrimPrefix(o.PartName, "/"))] {
			return t
		}
	}
	return ""
}

// readZipEntry reads an archive entry of at most limit bytes.
func readZipEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errors.New("zip entry too large")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New("zip entry too large")
	}
	return b, nil
}

// oleStreams are the main streams of the legacy Office documents, as their
// OLE compound file's directory names them (UTF-16LE).
var oleStreams = []struct{ name, mediaType string }{
	{"WordDocument", MediaDOC},
	{"Workbook", MediaXLS},
	{"Book", MediaXLS},
	{"PowerPoint Document", MediaPPT},
}

// oleType types an OLE compound file (Word, Excel or PowerPoint 97-2003)
// by the name of its main stream, found in the directory; "" for any other
// (an installer, a mail message).
func oleType(data []byte) string {
	for _, s := range oleStreams {
		if bytes.Contains(data, utf16le(s.name+"\x00")) {
			return s.mediaType
		}
	}
	return ""
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}
