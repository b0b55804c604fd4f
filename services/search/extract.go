package search

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of text extraction: attachments are at most 32 MiB, and their
// text is searched only up to MaxAttachmentText.
const (
	// ExtractTimeout bounds one extraction (pdftotext is killed after it).
	ExtractTimeout = 20 * time.Second
	// maxPDFPages bounds the pages pdftotext reads.
	maxPDFPages = 300
	// maxXMLPart bounds the uncompressed size read of one part of an
	// office document (a small ZIP can unpack to gigabytes).
	maxXMLPart = 32 << 20
)

// Media types whose text is extracted (as contentrules detects them).
const (
	mediaPDF  = "application/pdf"
	mediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaPPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	mediaODT  = "application/vnd.oasis.opendocument.text"
	mediaODS  = "application/vnd.oasis.opendocument.spreadsheet"
	mediaODP  = "application/vnd.oasis.opendocument.presentation"
)

// ErrNoExtractor means the hub does not read text out of files of this type
// (images, legacy binary Office files).
var ErrNoExtractor = errors.New("no text extractor for this type")

// PDFToText is the pdftotext program (poppler-utils); a variable for tests.
var PDFToText = "pdftotext"

// ExtractText returns the searchable text of a file of the given media
// type, at most MaxAttachmentText bytes of it: PDF through poppler's
// pdftotext, Office Open XML and OpenDocument files from their XML, text
// files as they are. It takes at most ExtractTimeout.
func ExtractText(ctx context.Context, mediaType string, data []byte) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, ExtractTimeout)
	defer cancel()
	var text string
	var err error
	switch mt, _, _ := strings.Cut(mediaType, ";"); mt {
	case mediaPDF:
		text, err = pdfText(ctx, data)
	case mediaDOCX:
		text, err = zipText(ctx, data, func(n string) bool { return n == "word/document.xml" }, "p")
	case mediaPPTX:
		text, err = zipText(ctx, data, func(n string) bool {
			return strings.HasPrefix(n, "ppt/slides/slide") && strings.HasSuffix(n, ".xml")
		}, "p")
	case mediaXLSX:
		// Text cells live in the shared strings; sheets hold numbers.
		text, err = zipText(ctx, data, func(n string) bool { return n == "xl/sharedStrings.xml" }, "si")
	case mediaODT, mediaODS, mediaODP:
		text, err = zipText(ctx, data, func(n string) bool { return n == "content.xml" }, "p")
	case "text/plain", "text/csv", "application/json":
		text = string(data)
	default:
		return "", ErrNoExtractor
	}
	if err != nil {
		return "", err
	}
	text = strings.ToValidUTF8(text, " ")
	return cut(text, MaxAttachmentText), nil
}

// pdfText runs pdftotext on data, reading at most MaxAttachmentText bytes
// of its output.
func pdfText(ctx context.Context, data []byte) (string, error) {
	cmd := exec.CommandContext(ctx, PDFToText, "-q", "-enc", "UTF-8", "-nopgbrk", "-l", fmt.Sprint(maxPDFPages), "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("pdftotext (Debian package poppler-utils): %w", err)
	}
	text, readErr := io.ReadAll(io.LimitReader(out, MaxAttachmentText+1))
	if len(text) > MaxAttachmentText {
		// Enough text: stop the program rather than read the rest.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return string(text), nil
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("pdftotext: %w", ctx.Err())
		}
		return "", fmt.Errorf("pdftotext: %w", err)
	}
	return string(text), readErr
}

// zipText reads the text of the XML parts of an office document that want
// names, in name order (slide2 before slide10), ending a line after every
// element named lineEnd (a paragraph, a shared string).
func zipText(ctx context.Context, data []byte, want func(string) bool, lineEnd string) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("read office document: %w", err)
	}
	var parts []*zip.File
	for _, f := range zr.File {
		if want(f.Name) {
			parts = append(parts, f)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return naturalLess(parts[i].Name, parts[j].Name) })
	var b strings.Builder
	for _, f := range parts {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f.Name, err)
		}
		err = xmlText(&b, io.LimitReader(rc, maxXMLPart), lineEnd)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f.Name, err)
		}
		if b.Len() > MaxAttachmentText {
			break
		}
	}
	return b.String(), nil
}

// xmlText writes the character data of an XML document to b.
func xmlText(b *strings.Builder, r io.Reader, lineEnd string) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	for b.Len() <= MaxAttachmentText {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if utf8.Valid(t) {
				b.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case lineEnd, "p", "br":
				b.WriteByte('\n')
			}
		case xml.StartElement:
			if t.Name.Local == "tab" || t.Name.Local == "s" {
				b.WriteByte(' ')
			}
		}
	}
	return nil
}

// naturalLess orders names with their numbers by value: slide2 before
// slide10.
func naturalLess(a, b string) bool {
	na, nb := strings.TrimSuffix(path.Base(a), path.Ext(a)), strings.TrimSuffix(path.Base(b), path.Ext(b))
	ta, tb := strings.TrimRight(na, "0123456789"), strings.TrimRight(nb, "0123456789")
	if ta == tb && len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return a < b
}
