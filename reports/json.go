package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// JSONWriter renders Appendix 2 as one JSON document, streamed:
//
//	{"header": {…}, "rows": [
//	{…},
//	…], "summary": {…}}
//
// Rows hold IDs and the nature as two booleans; the header's columns carry
// the headings in kk, ru and en, and the summary's counts the names.
type JSONWriter struct {
	bw     *bufio.Writer
	enc    *json.Encoder
	rowBuf bytes.Buffer
	rowEnc *json.Encoder
	first  bool
}

// NewJSONWriter returns a JSON writer.
func NewJSONWriter(w io.Writer) *JSONWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	j := &JSONWriter{bw: bw, enc: enc, first: true}
	j.rowEnc = json.NewEncoder(&j.rowBuf)
	j.rowEnc.SetEscapeHTML(false)
	return j
}

// jsonRow is the JSON form of a Row.
type jsonRow struct {
	No                int       `json:"no"`
	AppealID          string    `json:"appeal_id"`
	ReceivedAt        time.Time `json:"received_at"`
	ForumResponsible  string    `json:"forum_responsible"`
	Region            string    `json:"region"`
	ApplicantName     string    `json:"applicant_name"`
	StandardViolation bool      `json:"standard_violation"`
	EmployeeConduct   bool      `json:"employee_conduct"`
	Content           string    `json:"content"`
	RequestNo         string    `json:"request_no"`
	BodyID            string    `json:"body_id"`
	ServiceID         string    `json:"service_id"`
}

// Begin writes the header.
func (j *JSONWriter) Begin(h *Header) error {
	if _, err := j.bw.WriteString(`{"header": `); err != nil {
		return err
	}
	if err := j.enc.Encode(h); err != nil {
		return err
	}
	_, err := j.bw.WriteString(`, "rows": [`)
	return err
}

// Row writes one appeal, one per line.
func (j *JSONWriter) Row(r *Row) error {
	sep := ",\n"
	if j.first {
		sep, j.first = "\n", false
	}
	if _, err := j.bw.WriteString(sep); err != nil {
		return err
	}
	row := jsonRow{No: r.No, AppealID: r.AppealID, ReceivedAt: r.ReceivedAt, ForumResponsible: r.ForumResponsible, Region: r.Region,
		ApplicantName: r.ApplicantName, StandardViolation: r.Nature.Has(StandardViolation), EmployeeConduct: r.Nature.Has(EmployeeConduct),
		Content: r.Content, RequestNo: r.RequestNo, BodyID: r.BodyID, ServiceID: r.ServiceID}
	j.rowBuf.Reset()
	if err := j.rowEnc.Encode(row); err != nil {
		return err
	}
	_, err := j.bw.Write(bytes.TrimSuffix(j.rowBuf.Bytes(), []byte("\n")))
	return err
}

// End writes the summary and flushes.
func (j *JSONWriter) End(s *Summary) error {
	if _, err := j.bw.WriteString("], \"summary\": "); err != nil {
		return err
	}
	if err := j.enc.Encode(s); err != nil {
		return err
	}
	if _, err := j.bw.WriteString("}\n"); err != nil {
		return err
	}
	return j.bw.Flush()
}

var _ Writer = (*JSONWriter)(nil)
