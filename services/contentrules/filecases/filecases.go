// Package filecases is the table of files that every upload path of
// portalhub must judge alike: the sub-portal's back office, its API
// (POST /api/blobs) and the hub's UploadBlob each run it in their tests, so
// the one file policy (contentrules.DetectFile) is proven to hold on all of
// them. The files are real minimal files of each type.
package filecases

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Case is one file and the verdict every upload path must give it.
type Case struct {
	Name     string // what the case is about
	Filename string
	// Claimed is the media type a sender declares: the hub checks it (the
	// UploadBlob header), the sub-portal takes the type from the content
	// alone (browsers declare what the name suggests).
	Claimed string
	Data    []byte
	// Want is the media type the file is stored with; "" when refused.
	Want string
	// Reason is the refusal's reason code; "" when the file is taken.
	Reason string
}

// Cases returns the table: every type the portal serves, then the files it
// refuses.
func Cases() []Case {
	pe := WindowsExe()
	taken := func(name, filename, mediaType string, data []byte) Case {
		return Case{Name: name, Filename: filename, Claimed: mediaType, Data: data, Want: mediaType}
	}
	refused := func(name, filename, claimed string, data []byte, reason string) Case {
		return Case{Name: name, Filename: filename, Claimed: claimed, Data: data, Reason: reason}
	}
	return []Case{
		taken("pdf", "Quyết định số 15.pdf", contentrules.MediaPDF, PDF()),
		taken("png", "Ảnh lễ hội.png", contentrules.MediaPNG, encode(png.Encode)),
		taken("jpeg", "anh-dem-hoi.jpg", contentrules.MediaJPEG, encode(func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })),
		taken("gif", "bieu-do.gif", contentrules.MediaGIF, encode(func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })),
		taken("webp", "ban-do.webp", contentrules.MediaWebP, webp()),
		taken("docx", "Kế hoạch.docx", contentrules.MediaDOCX, ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")),
		taken("xlsx", "Số liệu.xlsx", contentrules.MediaXLSX, ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")),
		taken("pptx", "Trình chiếu.pptx", contentrules.MediaPPTX, ooxml("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")),
		taken("odt", "Công văn.odt", contentrules.MediaODT, odf(contentrules.MediaODT)),
		taken("ods", "Bảng kê.ods", contentrules.MediaODS, odf(contentrules.MediaODS)),
		taken("odp", "Báo cáo.odp", contentrules.MediaODP, odf(contentrules.MediaODP)),
		taken("doc", "Tờ trình.doc", contentrules.MediaDOC, ole("WordDocument")),
		taken("csv", "Danh sách.csv", contentrules.MediaCSV, []byte("Mã,Tên\n1,Khánh Hòa\n2,Nha Trang\n")),
		taken("json", "du-lieu.json", contentrules.MediaJSON, []byte(`{"tinh": "Khánh Hòa", "dan_so": 1200000}`)),
		taken("txt", "ghi-chu.txt", contentrules.MediaText, []byte("Xin chào Khánh Hòa\n")),

		refused("windows executable named .pdf", "hoa-don.pdf", contentrules.MediaPDF, pe, contentrules.ReasonFileTypeRefused),
		refused("linux executable named .pdf", "bao-cao.pdf", contentrules.MediaPDF, linuxExe(), contentrules.ReasonFileTypeRefused),
		refused("executable named .exe.pdf", "report.exe.pdf", contentrules.MediaPDF, pe, contentrules.ReasonFileTypeRefused),
		refused("right-to-left override in the name", "hoa-don\u202efdp.exe", contentrules.MediaPDF, pe, contentrules.ReasonInvalidFormat),
		refused("bidi isolate in the name", "bao-cao\u2067.pdf", contentrules.MediaPDF, PDF(), contentrules.ReasonInvalidFormat),
		refused("control character in the name", "bao\u0085cao.pdf", contentrules.MediaPDF, PDF(), contentrules.ReasonInvalidFormat),
		refused("webassembly", "app.wasm", "application/wasm", []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00"), contentrules.ReasonFileTypeRefused),
		refused("webassembly named .pdf", "tai-lieu.pdf", contentrules.MediaPDF, []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00"), contentrules.ReasonFileTypeRefused),
		refused("plain zip", "Tài liệu.zip", "application/zip", zipOf("readme.txt", "xin chào", "data/a.csv", "a,b\n1,2\n"), contentrules.ReasonFileTypeRefused),
		refused("docx named .zip", "Kế hoạch.zip", "application/zip", ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), contentrules.ReasonFileTypeRefused),
		refused("jar", "ung-dung.jar", "application/java-archive", jar(), contentrules.ReasonFileTypeRefused),
		refused("apk", "ung-dung.apk", "application/vnd.android.package-archive", apk(), contentrules.ReasonFileTypeRefused),
		refused("jar named .docx", "Báo cáo.docx", contentrules.MediaDOCX, jar(), contentrules.ReasonFileTypeMismatch),
		refused("hollow docx", "Báo cáo.docx", contentrules.MediaDOCX, hollowDOCX(), contentrules.ReasonFileTypeMismatch),
		refused("xlsx named .docx", "Số liệu.docx", contentrules.MediaDOCX, ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"), contentrules.ReasonFileTypeMismatch),
		refused("svg", "logo.svg", "image/svg+xml", svg(), contentrules.ReasonFileTypeRefused),
		refused("svg named .png", "logo.png", contentrules.MediaPNG, svg(), contentrules.ReasonFileTypeRefused),
		refused("html", "trang.html", "text/html", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), contentrules.ReasonFileTypeRefused),
		refused("html named .txt", "ghi-chu.txt", contentrules.MediaText, []byte("<html><body onload=alert(1)>xin chào</body></html>"), contentrules.ReasonFileTypeRefused),
		refused("xml", "du-lieu.xml", "application/xml", []byte(`<?xml version="1.0"?><a>1</a>`), contentrules.ReasonFileTypeRefused),
		refused("pdf named .docx", "Kế hoạch.docx", contentrules.MediaDOCX, PDF(), contentrules.ReasonFileTypeMismatch),
		refused("a claimed type that lies: png named and declared pdf", "Quyết định.pdf", contentrules.MediaPDF, encode(png.Encode), contentrules.ReasonFileTypeMismatch),
		refused("text named .pdf", "bao-cao.pdf", contentrules.MediaPDF, []byte("không phải PDF"), contentrules.ReasonFileTypeMismatch),
		refused("not json", "du-lieu.json", contentrules.MediaJSON, []byte("tinh: Khánh Hòa"), contentrules.ReasonFileTypeMismatch),
		refused("csv not in UTF-8", "Danh sách.csv", contentrules.MediaCSV, []byte("M\xe3,T\xean\n1,Kh\xe1nh H\xf2a\n"), contentrules.ReasonFileTypeMismatch),
		refused("text with NUL", "ghi-chu.txt", contentrules.MediaText, []byte("xin\x00chào"), contentrules.ReasonFileTypeMismatch),
		refused("shell script named .txt", "cai-dat.txt", contentrules.MediaText, []byte("#!/bin/sh\nrm -rf /\n"), contentrules.ReasonFileTypeRefused),
		refused("unknown extension", "ban-ve.dwg", "image/vnd.dwg", []byte("AC1032\x00\x00\x00\x00\x00"), contentrules.ReasonFileTypeRefused),
		refused("no extension", "bao-cao", contentrules.MediaPDF, PDF(), contentrules.ReasonFileTypeRefused),
	}
}

// PDF returns a minimal PDF document (one empty page).
func PDF() []byte {
	return []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" +
		"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
		"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n" +
		"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n" +
		"trailer <</Root 1 0 R /Size 4>>\n%%EOF\n")
}

// encode returns a 1×1 image in the encoder's format.
func encode(enc func(io.Writer, image.Image) error) []byte {
	m := image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.RGBA{0xda, 0x25, 0x1d, 0xff}})
	var b bytes.Buffer
	if err := enc(&b, m); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// webp returns a 1×1 lossless WebP image.
func webp() []byte {
	vp8l := []byte{0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+len(vp8l)))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(len(vp8l)-1)) // the chunk pads to even
	b.Write(vp8l)
	return b.Bytes()
}

// zipOf builds a ZIP archive of name/content pairs, in order, the first
// stored (as OpenDocument's mimetype entry must be).
func zipOf(kv ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: kv[i], Method: method})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(kv[i+1]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func contentTypes(part, main string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/` + part + `" ContentType="` + main + `"/>
</Types>`
}

// ooxml returns an Office Open XML package whose main part is part.
func ooxml(part, main string) []byte {
	return zipOf("[Content_Types].xml", contentTypes(part, main),
		"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="`+part+`"/>
</Relationships>`,
		part, `<?xml version="1.0" encoding="UTF-8"?><document/>`)
}

// hollowDOCX declares a Word main part it does not hold.
func hollowDOCX() []byte {
	return zipOf("[Content_Types].xml", contentTypes("word/document.xml",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), "other.xml", "<x/>")
}

// odf returns an OpenDocument package of the given type.
func odf(mediaType string) []byte {
	return zipOf("mimetype", mediaType,
		"content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"/>`,
		"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="`+mediaType+`"/></manifest:manifest>`)
}

func jar() []byte {
	return zipOf("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n", "Evil.class", "\xca\xfe\xba\xbe\x00\x00\x00\x34")
}

func apk() []byte {
	return zipOf("AndroidManifest.xml", "\x03\x00\x08\x00", "classes.dex", "dex\n035\x00")
}

func svg() []byte {
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
}

// ole returns an OLE compound file (the container of Office 97-2003
// documents): its header and a directory sector holding the root entry and
// the named stream.
func ole(stream string) []byte {
	b := make([]byte, 1024)
	copy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	binary.LittleEndian.PutUint16(b[24:], 0x3e)   // minor version
	binary.LittleEndian.PutUint16(b[26:], 3)      // major version
	binary.LittleEndian.PutUint16(b[28:], 0xfffe) // byte order
	binary.LittleEndian.PutUint16(b[30:], 9)      // 512-byte sectors
	binary.LittleEndian.PutUint16(b[32:], 6)      // 64-byte mini sectors
	binary.LittleEndian.PutUint32(b[48:], 0)      // the directory's first sector
	binary.LittleEndian.PutUint32(b[56:], 0x1000) // mini stream cutoff
	binary.LittleEndian.PutUint32(b[60:], 0xfffffffe)
	binary.LittleEndian.PutUint32(b[68:], 0xfffffffe)
	entry := func(off int, name string, kind byte) {
		for i, r := range name {
			binary.LittleEndian.PutUint16(b[off+2*i:], uint16(r))
		}
		binary.LittleEndian.PutUint16(b[off+64:], uint16(2*len(name)+2))
		b[off+66] = kind
	}
	entry(512, "Root Entry", 5)
	entry(512+128, stream, 2)
	return b
}

// WindowsExe returns the headers of a Windows program (PE32): the DOS
// header pointing at the PE signature and a COFF header for i386.
func WindowsExe() []byte {
	b := make([]byte, 0x98)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x40:], "This program cannot be run in DOS mode.\r\r\n$")
	copy(b[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x84:], 0x14c) // i386
	binary.LittleEndian.PutUint16(b[0x86:], 1)     // one section
	return b
}

// linuxExe returns the header of a Linux program (ELF64, x86-64).
func linuxExe() []byte {
	b := make([]byte, 64)
	copy(b, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(b[16:], 2)    // executable
	binary.LittleEndian.PutUint16(b[18:], 0x3e) // x86-64
	binary.LittleEndian.PutUint32(b[20:], 1)
	return b
}
