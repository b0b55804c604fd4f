package contentrules

import (
	"encoding/json"
	"fmt"
	"mime"
	"path"
	"strings"
)

// Media types of the files the portal serves, as DetectFile names them.
const (
	MediaPDF  = "application/pdf"
	MediaPNG  = "image/png"
	MediaJPEG = "image/jpeg"
	MediaGIF  = "image/gif"
	MediaWebP = "image/webp"
	MediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MediaPPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	MediaODT  = "application/vnd.oasis.opendocument.text"
	MediaODS  = "application/vnd.oasis.opendocument.spreadsheet"
	MediaODP  = "application/vnd.oasis.opendocument.presentation"
	MediaDOC  = "application/msword"
	MediaXLS  = "application/vnd.ms-excel"
	MediaPPT  = "application/vnd.ms-powerpoint"
	MediaCSV  = "text/csv; charset=utf-8"
	MediaJSON = "application/json"
	MediaText = "text/plain; charset=utf-8"
)

// fileType is a type of file the portal serves: its media type, the
// extensions its files are named with, and its name for people.
type fileType struct {
	mediaType string
	exts      []string
	en, vi    string
}

// fileTypes is the file policy's list: nothing else is taken.
var fileTypes = []fileType{
	{MediaPDF, []string{".pdf"}, "a PDF document", "tài liệu PDF"},
	{MediaPNG, []string{".png"}, "a PNG image", "ảnh PNG"},
	{MediaJPEG, []string{".jpg", ".jpeg"}, "a JPEG image", "ảnh JPEG"},
	{MediaGIF, []string{".gif"}, "a GIF image", "ảnh GIF"},
	{MediaWebP, []string{".webp"}, "a WebP image", "ảnh WebP"},
	{MediaDOCX, []string{".docx"}, "a Word document (.docx)", "văn bản Word (.docx)"},
	{MediaXLSX, []string{".xlsx"}, "an Excel spreadsheet (.xlsx)", "bảng tính Excel (.xlsx)"},
	{MediaPPTX, []string{".pptx"}, "a PowerPoint presentation (.pptx)", "bản trình chiếu PowerPoint (.pptx)"},
	{MediaODT, []string{".odt"}, "an OpenDocument text (.odt)", "văn bản OpenDocument (.odt)"},
	{MediaODS, []string{".ods"}, "an OpenDocument spreadsheet (.ods)", "bảng tính OpenDocument (.ods)"},
	{MediaODP, []string{".odp"}, "an OpenDocument presentation (.odp)", "bản trình chiếu OpenDocument (.odp)"},
	{MediaDOC, []string{".doc"}, "a Word 97-2003 document (.doc)", "văn bản Word 97–2003 (.doc)"},
	{MediaXLS, []string{".xls"}, "an Excel 97-2003 spreadsheet (.xls)", "bảng tính Excel 97–2003 (.xls)"},
	{MediaPPT, []string{".ppt"}, "a PowerPoint 97-2003 presentation (.ppt)", "bản trình chiếu PowerPoint 97–2003 (.ppt)"},
	{MediaCSV, []string{".csv"}, "a CSV file", "bảng CSV"},
	{MediaJSON, []string{".json"}, "a JSON file", "tệp JSON"},
	{MediaText, []string{".txt"}, "plain text", "văn bản thuần"},
}

var (
	typeByExt  = map[string]*fileType{}
	typeByBase = map[string]*fileType{}
)

func init() {
	for i := range fileTypes {
		t := &fileTypes[i]
		for _, e := range t.exts {
			typeByExt[e] = t
		}
		typeByBase[baseType(t.mediaType)] = t
	}
}

// officeExts are the extensions of documents that are ZIP or OLE files.
var officeExts = map[string]bool{".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true,
	".doc": true, ".xls": true, ".ppt": true}

// archiveExts name archives, refused as such whatever they hold.
var archiveExts = map[string]bool{".zip": true, ".jar": true, ".apk": true, ".aab": true, ".war": true, ".xpi": true,
	".rar": true, ".7z": true, ".gz": true, ".tgz": true, ".tar": true, ".bz2": true, ".xz": true, ".zst": true, ".cab": true}

// DetectFile applies the portal's one file policy to a file named name that
// holds data, and returns its media type (one of the Media constants). The
// sub-portal's back office and API and the hub's UploadBlob all call it.
//
// The name must pass CheckFilename and end in an extension of a type the
// portal serves: PDF, PNG, JPEG, GIF, WebP, Word, Excel and PowerPoint
// (Office Open XML and 97-2003), OpenDocument text, spreadsheet and
// presentation, CSV, JSON and plain text. The type is read from the content
// and must be the one the extension promises. A ZIP file is taken only as an
// office document whose parts say so (never .zip, .jar or .apk); text types
// only when the bytes are UTF-8 without NUL (and JSON when they are JSON).
// Programs (PE, ELF, Mach-O, Java, scripts), WebAssembly, archives, HTML,
// SVG and XML are refused whatever they are named.
//
// A refusal is a *FileError: FILE_TYPE_REFUSED for a type the portal does
// not serve, FILE_TYPE_MISMATCH when the content is not what the name says,
// INVALID_FORMAT for a bad name, REQUIRED for an empty file.
func DetectFile(name string, data []byte) (string, error) {
	if err := CheckFilename(name); err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", &FileError{Problem: FileEmpty, Reason: ReasonRequired, Field: FileFieldData,
			Description: fmt.Sprintf("the file %q is empty", name), MessageVI: fmt.Sprintf("Tệp “%s” rỗng.", name)}
	}
	ext := strings.ToLower(path.Ext(name))
	want := typeByExt[ext]
	got := sniff(data)
	switch {
	case got.problem == FileArchive && officeExts[ext]:
		return "", notOffice(name, ext)
	case got.problem == FileUnknown && want != nil && want.text():
		return "", notUTF8(name, ext)
	case got.problem != 0:
		return "", refused(got.problem, name)
	case archiveExts[ext]:
		return "", refused(FileArchive, name)
	case want == nil:
		return "", refused(FileUnknown, name)
	case got.text && (!want.text() || ext == ".json" && !json.Valid(data)):
		return "", mismatch(name, ext, typeByBase[baseType(MediaText)])
	case got.text:
		return want.mediaType, nil
	case got.mediaType != want.mediaType:
		return "", mismatch(name, ext, typeByBase[baseType(got.mediaType)])
	}
	return got.mediaType, nil
}

// CheckClaim refuses, with FILE_TYPE_MISMATCH, a media type a sender
// declared for a file (the hub's UploadBlob header, an attachment) that is
// not the type detected from its content; parameters such as charset and
// case do not count. An empty claim is REQUIRED.
func CheckClaim(name, detected, claimed string) error {
	if strings.TrimSpace(claimed) == "" {
		return &FileError{Problem: FileMismatch, Reason: ReasonRequired, Field: FileFieldMediaType,
			Description: fmt.Sprintf("the media type of %q is required", name),
			MessageVI:   fmt.Sprintf("Thiếu kiểu tệp (media type) của tệp “%s”.", name)}
	}
	if baseType(claimed) == baseType(detected) {
		return nil
	}
	en, vi := labels(detected)
	return &FileError{Problem: FileMismatch, Reason: ReasonFileTypeMismatch, Field: FileFieldMediaType, Detected: detected,
		Description: fmt.Sprintf("the file %q is declared as %s, but its content is %s", name, claimed, en),
		MessageVI:   fmt.Sprintf("Tệp “%s” được khai báo là %s nhưng nội dung lại là %s.", name, claimed, vi)}
}

// CheckAttachment is the policy for a file the hub already holds, typed
// (stored) when it was uploaded, that an item attaches, or an upload names,
// as name claiming claimed (may be empty): the name's extension must promise
// the stored type, and a claim must be the extension's type. Text is typed
// by its name (DetectFile), so the same bytes may be held as CSV and
// attached as plain text; only JSON must have been held as JSON. A refusal
// is a *FileError as DetectFile's.
func CheckAttachment(name, claimed, stored string) error {
	ext := strings.ToLower(path.Ext(name))
	held, want := typeByBase[baseType(stored)], typeByExt[ext]
	switch {
	case held == nil:
		// Stored before the policy, of a type it does not take.
		return refused(FileUnknown, name)
	case archiveExts[ext]:
		return refused(FileArchive, name)
	case want == nil:
		return refused(FileUnknown, name)
	case want != held && !(want.text() && held.text() && (want.mediaType != MediaJSON || held.mediaType == MediaJSON)):
		return mismatch(name, ext, held)
	case claimed != "":
		return CheckClaim(name, want.mediaType, claimed)
	}
	return nil
}

func (t *fileType) text() bool {
	return strings.HasPrefix(t.mediaType, "text/") || t.mediaType == MediaJSON
}

// baseType is a media type without parameters, in lower case.
func baseType(mt string) string {
	base, _, err := mime.ParseMediaType(mt)
	if err != nil {
		base, _, _ = strings.Cut(mt, ";")
	}
	return strings.ToLower(strings.TrimSpace(base))
}

// labels names a media type for people, in English and Vietnamese.
func labels(mt string) (en, vi string) {
	if t := typeByBase[baseType(mt)]; t != nil {
		return t.en, t.vi
	}
	return mt, mt
}

// FileProblem is why a file is refused.
type FileProblem int

// The problems a file can have.
const (
	FileBadName    FileProblem = iota + 1 // see CheckFilename
	FileEmpty                             // no bytes
	FileUnknown                           // a type (or an extension) the portal does not serve
	FileArchive                           // an archive: ZIP (but an office document), JAR, APK, RAR, 7z, gzip...
	FileExecutable                        // a program or WebAssembly module
	FileActive                            // HTML, SVG or XML, which a browser would run
	FileNotOffice                         // named as an office document, but an archive without one
	FileMismatch                          // the content is not of the type the name (or the claim) says
	FileTooLarge                          // more than MaxFileSize bytes (see CheckFileSize)
)

// Which part of an upload a FileError is about.
const (
	FileFieldName      = "filename"
	FileFieldMediaType = "media_type"
	FileFieldData      = "data"
	FileFieldSize      = "size"
)

// FileError refuses a file, with the reason code the hub answers, the part
// of the upload it concerns (FileFieldName, FileFieldMediaType,
// FileFieldData or FileFieldSize) and messages for people in English and
// Vietnamese.
type FileError struct {
	Problem     FileProblem
	Reason      string
	Field       string
	Detected    string // the content's media type, for a mismatch ("" when unknown)
	Description string // English
	MessageVI   string // Vietnamese
}

func (e *FileError) Error() string { return e.Description }

// Violation is the refusal as a field violation of field (the caller's path
// to the part it concerns, e.g. "header.filename").
func (e *FileError) Violation(field string) Violation {
	return Violation{Field: field, Reason: e.Reason, Description: e.Description, MessageVI: e.MessageVI}
}

func refused(p FileProblem, name string) *FileError {
	e := &FileError{Problem: p, Reason: ReasonFileTypeRefused, Field: FileFieldData}
	switch p {
	case FileArchive:
		e.Description = fmt.Sprintf("the file %q is not accepted: archives (ZIP, JAR, APK, ...) cannot be attached; office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp), PDF, images and CSV can", name)
		e.MessageVI = fmt.Sprintf("Không nhận tệp “%s”: tệp nén (ZIP, JAR, APK…) không được đính kèm; chỉ nhận tài liệu văn phòng (.docx, .xlsx, .pptx, .odt, .ods, .odp), PDF, ảnh và CSV.", name)
	case FileExecutable:
		e.Description = fmt.Sprintf("the file %q is not accepted: it is a program (an executable, a script or WebAssembly), which the portal never serves", name)
		e.MessageVI = fmt.Sprintf("Không nhận tệp “%s”: đây là chương trình chạy được (tệp thực thi, tập lệnh hay WebAssembly), cổng không bao giờ đăng loại tệp này.", name)
	case FileActive:
		e.Description = fmt.Sprintf("the file %q is not accepted: SVG, HTML and XML are not, as they can carry scripts a browser would run", name)
		e.MessageVI = fmt.Sprintf("Không nhận tệp “%s”: không nhận SVG, HTML hay XML vì có thể chứa mã chạy trong trình duyệt.", name)
	default:
		e.Problem = FileUnknown
		e.Description = fmt.Sprintf("the file %q is not accepted: only PDF, images (PNG, JPEG, GIF, WebP), office documents, CSV, JSON and plain text are, named with their extension; never SVG or HTML", name)
		e.MessageVI = fmt.Sprintf("Không nhận tệp “%s”: chỉ nhận PDF, ảnh (PNG, JPEG, GIF, WebP), tài liệu văn phòng, CSV, JSON và văn bản thuần, có đuôi đúng loại; không nhận SVG hay HTML.", name)
	}
	return e
}

func notOffice(name, ext string) *FileError {
	return &FileError{Problem: FileNotOffice, Reason: ReasonFileTypeMismatch, Field: FileFieldData,
		Description: fmt.Sprintf("the file %q has the extension %s but is not an office document: it is only a compressed archive with no document inside; open it in an office application, save it again and choose it again", name, ext),
		MessageVI:   fmt.Sprintf("Tệp “%s” có đuôi %s nhưng không phải tài liệu văn phòng: chỉ là tệp nén, không có nội dung văn bản bên trong. Hãy mở tệp bằng phần mềm văn phòng, lưu lại rồi chọn lại.", name, ext)}
}

func notUTF8(name, ext string) *FileError {
	return &FileError{Problem: FileMismatch, Reason: ReasonFileTypeMismatch, Field: FileFieldData,
		Description: fmt.Sprintf("the file %q has the extension %s but is not UTF-8 text (or holds NUL bytes); save it as UTF-8 (in Excel: CSV UTF-8) and choose it again", name, ext),
		MessageVI:   fmt.Sprintf("Tệp “%s” có đuôi %s nhưng không phải văn bản UTF-8 (hoặc chứa byte NUL). Hãy lưu lại theo bảng mã UTF-8 (trong Excel: CSV UTF-8) rồi chọn lại.", name, ext)}
}

func mismatch(name, ext string, got *fileType) *FileError {
	return &FileError{Problem: FileMismatch, Reason: ReasonFileTypeMismatch, Field: FileFieldName, Detected: got.mediaType,
		Description: fmt.Sprintf("the file %q has the extension %s, but its content is of another type: %s; check it and choose the right file", name, ext, got.en),
		MessageVI:   fmt.Sprintf("Tệp “%s” có đuôi %s nhưng nội dung lại là %s. Hãy kiểm tra và chọn đúng tệp.", name, ext, got.vi)}
}
