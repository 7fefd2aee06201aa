package server

// Delivering a statement to the people it is addressed to: the
// coordinators' delivery page (its addressees, an emailed delivery with
// the letter's PDF, deliveries recorded by hand, each email's outcome and
// a retry), and what the public page and the printed statement say of it.

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
)

// blankAddresseeRows is how many empty rows the addressee form offers
// below the addressees already named.
const blankAddresseeRows = 3

func deliveryURL(id int64) string { return manageURL(id) + "/delivery" }

// recordLink is the public address of the statement's record, which the
// delivery email links to: built from the configured base address as
// the other emails' links are.
func (s *Server) recordLink(c echo.Context, st *signon.Statement) string {
	return s.site.URL("/s/" + st.Slug)
}

// deliveryPage is the coordinators' delivery page.
type deliveryPage struct {
	*page
	Statement   *signon.Statement
	State       string
	Deliverable bool
	Addressees  []signon.Addressee // the form's rows: the named ones, then blanks
	Named       []signon.Addressee // the named ones, for the delivery forms
	Deliveries  []deliveryRow
	Methods     []signon.DeliveryMethod
	Email       emailDeliveryForm
	Hand        handDeliveryForm

	Done   string
	Error  string
	Errors map[string]string
}

// deliveryRow is a delivery with the outcome of each of its emails.
type deliveryRow struct {
	*signon.Delivery
	Rows []recipientRow
}

type recipientRow struct {
	signon.DeliveryRecipient
	Email *signon.Email // nil for a delivery by hand
}

// Failed reports whether the email to this recipient was refused.
func (r recipientRow) Failed() bool { return r.Email != nil && r.Email.Status == signon.EmailFailed }

type emailDeliveryForm struct {
	To      []int64
	Subject string
	Message string
}

type handDeliveryForm struct {
	To          []int64
	Method      string
	DeliveredAt string // datetime-local, in the coalition's zone
	Place       string
	Note        string
}

// Chosen reports whether addressee id is ticked in a form.
func (p deliveryPage) Chosen(to []int64, id int64) bool { return slices.Contains(to, id) }

func (s *Server) handleDelivery(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	return s.renderDelivery(c, http.StatusOK, st, nil, nil, nil)
}

// renderDelivery shows the delivery page; email and hand, when not nil,
// are forms sent back with failure, kept as they were typed.
func (s *Server) renderDelivery(c echo.Context, status int, st *signon.Statement, email *emailDeliveryForm, hand *handDeliveryForm, failure error, rows ...signon.Addressee) error {
	ctx := c.Request().Context()
	named, err := s.db.Addressees(ctx, st.ID)
	if err != nil {
		return err
	}
	deliveries, err := s.db.Deliveries(ctx, st.ID)
	if err != nil {
		return err
	}
	now := s.now()
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("delivery.title", "Title", st.Title), true
	data := deliveryPage{
		page: p, Statement: st, State: effectiveState(st, now), Deliverable: st.CheckDeliverable(now) == nil,
		Named: named, Methods: signon.HandDeliveryMethods,
	}
	data.Addressees = rows
	if rows == nil {
		data.Addressees = append(slices.Clone(named), make([]signon.Addressee, blankAddresseeRows)...)
	}
	for _, d := range deliveries {
		row := deliveryRow{Delivery: d}
		for _, r := range d.Recipients {
			rr := recipientRow{DeliveryRecipient: r}
			if r.EmailID != nil {
				if rr.Email, err = s.db.EmailByID(ctx, *r.EmailID); err != nil && signon.ErrorCode(err) != signon.ENOTFOUND {
					return err
				}
			}
			row.Rows = append(row.Rows, rr)
		}
		data.Deliveries = append(data.Deliveries, row)
	}
	if email != nil {
		data.Email = *email
	} else {
		data.Email = s.defaultDeliveryEmail(c, st, named)
	}
	if hand != nil {
		data.Hand = *hand
	} else {
		data.Hand = handDeliveryForm{Method: string(signon.DeliveryInPerson), DeliveredAt: formatLocalTime(&now, s.cfg.Location)}
	}
	if failure != nil {
		data.Error, data.Errors = p.Error(failure), p.Problems(failure)
	} else if done := c.QueryParam("done"); done != "" {
		data.Done = p.T("delivery.done." + done)
	}
	return s.render(c, status, "coordinate_delivery", data)
}

// defaultDeliveryEmail is the email form as it first appears: every
// addressee with an address ticked, and a subject and message in the
// statement's language for the coordinator to edit.
func (s *Server) defaultDeliveryEmail(c echo.Context, st *signon.Statement, named []signon.Addressee) emailDeliveryForm {
	t := newTranslator(s.bundle, st.Language)
	f := emailDeliveryForm{
		Subject: t.T("delivery.email.default_subject", "Title", st.Title, "Coalition", s.cfg.Coalition),
		Message: t.T("delivery.email.default_message", "Title", st.Title, "Coalition", s.cfg.Coalition,
			"Kind", strings.ToLower(kindName(t, st.Kind))),
	}
	for _, a := range named {
		if a.Email != "" {
			f.To = append(f.To, a.ID)
		}
	}
	return f
}

// --- Addressees ---

func (s *Server) handleSaveAddressees(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	names, titles, offices, emails := form["name"], form["title"], form["office"], form["email"]
	rows := make([]signon.Addressee, len(names))
	at := func(list []string, i int) string {
		if i < len(list) {
			return list[i]
		}
		return ""
	}
	for i := range rows {
		rows[i] = signon.Addressee{Name: names[i], Title: at(titles, i), Office: at(offices, i), Email: at(emails, i)}
	}
	list, err := signon.NormalizeAddressees(rows)
	if err == nil {
		err = s.db.SetAddressees(c.Request().Context(), st.ID, list, currentAccount(c).ID)
	}
	if status, ok := formFailure(err); ok {
		return s.renderDelivery(c, status, st, nil, nil, err, rows...)
	} else if err != nil {
		return err
	}
	return redirect(c, deliveryURL(st.ID)+"?done=addressees")
}

// chosenAddressees reads the ticked addressees ("to") of a delivery
// form, in the statement's order.
func chosenAddressees(c echo.Context, named []signon.Addressee) ([]int64, []signon.Addressee) {
	form, _ := c.FormParams()
	var ids []int64
	for _, v := range form["to"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	var chosen []signon.Addressee
	for _, a := range named {
		if slices.Contains(ids, a.ID) {
			chosen = append(chosen, a)
		}
	}
	return ids, chosen
}

var errNoneChosen = signon.KeyedError(signon.EINVALID, "delivery.error.none_chosen", "Choose the addressees it was delivered to.")

func recipientsOf(list []signon.Addressee) []signon.DeliveryRecipient {
	out := make([]signon.DeliveryRecipient, len(list))
	for i, a := range list {
		out[i] = signon.DeliveryRecipient{Name: a.Name, Title: a.Title, Office: a.Office, Email: a.Email}
	}
	return out
}

// --- Emailed delivery ---

// deliveryEmailData is what the delivery email's templates get as .D.
type deliveryEmailData struct {
	Message    string
	Paragraphs []string
	Link       string
	Attachment string
}

func (s *Server) handleEmailDelivery(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	named, err := s.db.Addressees(ctx, st.ID)
	if err != nil {
		return err
	}
	ids, chosen := chosenAddressees(c, named)
	f := emailDeliveryForm{To: ids, Subject: strings.TrimSpace(c.FormValue("subject")), Message: strings.TrimSpace(c.FormValue("message"))}
	err = s.emailDelivery(c, st, chosen, f)
	if status, ok := formFailure(err); ok {
		return s.renderDelivery(c, status, st, &f, nil, err)
	} else if signon.ErrorCode(err) == signon.ECONFLICT {
		return s.renderDelivery(c, http.StatusConflict, st, &f, nil, err)
	} else if err != nil {
		return err
	}
	return redirect(c, deliveryURL(st.ID)+"?done=emailed")
}

// emailDelivery checks an emailed delivery and stores it with its
// emails, each carrying the letter's PDF.
func (s *Server) emailDelivery(c echo.Context, st *signon.Statement, chosen []signon.Addressee, f emailDeliveryForm) error {
	now := s.now()
	if err := st.CheckDeliverable(now); err != nil {
		return err
	}
	if len(chosen) == 0 {
		return errNoneChosen
	}
	var missing []string
	for _, a := range chosen {
		if a.Email == "" {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		t := s.translator(c)
		return signon.KeyedError(signon.EINVALID, "", t.T("delivery.error.no_email", "Names", strings.Join(missing, ", ")))
	}
	p := signon.Problems{}
	if f.Subject == "" {
		p.Add("subject", signon.ProblemRequired, 0)
	} else if len([]rune(f.Subject)) > signon.MaxDeliverySubject {
		p.Add("subject", signon.ProblemTooLong, signon.MaxDeliverySubject)
	}
	if f.Message == "" {
		p.Add("message", signon.ProblemRequired, 0)
	} else if len([]rune(f.Message)) > signon.MaxDeliveryMessage {
		p.Add("message", signon.ProblemTooLong, signon.MaxDeliveryMessage)
	}
	if err := p.Err(); err != nil {
		return err
	}
	pdf, err := s.deliveryPDF(c, st)
	if err != nil {
		return err
	}
	data := deliveryEmailData{Message: f.Message, Link: s.recordLink(c, st), Attachment: st.Slug + ".pdf"}
	for _, para := range strings.Split(strings.ReplaceAll(f.Message, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			data.Paragraphs = append(data.Paragraphs, para)
		}
	}
	emails := make([]*signon.Email, len(chosen))
	for i, a := range chosen {
		e, err := s.composeEmail(signon.EmailDelivery, st.Language, a.Email, data)
		if err != nil {
			return err
		}
		e.Subject, e.StatementID = f.Subject, &st.ID
		e.AttachmentName, e.Attachment = data.Attachment, pdf
		emails[i] = e
	}
	by := currentAccount(c).ID
	d := &signon.Delivery{StatementID: st.ID, Method: signon.DeliveryEmail, DeliveredAt: now, RecordedBy: &by, Recipients: recipientsOf(chosen)}
	return s.db.CreateDelivery(c.Request().Context(), d, emails)
}

// deliveryPDF is the statement's PDF in its own language, as
// /s/{slug}/statement.pdf serves it.
func (s *Server) deliveryPDF(c echo.Context, st *signon.Statement) ([]byte, error) {
	sub := s.echo.NewContext(c.Request(), c.Response())
	sub.SetParamNames("slug")
	sub.SetParamValues(st.Slug)
	sub.Set(translatorContextKey, newTranslator(s.bundle, st.Language))
	doc, _, err := s.printedStatement(sub)
	if err != nil {
		return nil, err
	}
	return s.pdfs.get(sub, doc)
}

func (s *Server) handleRetryDeliveryEmail(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	eid, err := pathID(c, "eid")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.db.EmailByID(ctx, eid)
	if err != nil {
		return err
	}
	if e.Kind != signon.EmailDelivery || e.StatementID == nil || *e.StatementID != st.ID {
		return signon.Errorf(signon.ENOTFOUND, "Email not found.")
	}
	if err := s.db.RetryEmail(ctx, eid); signon.ErrorCode(err) == signon.ECONFLICT {
		return s.renderDelivery(c, http.StatusConflict, st, nil, nil, err)
	} else if err != nil {
		return err
	}
	return redirect(c, deliveryURL(st.ID)+"?done=retried")
}

// --- Delivery by hand ---

func (s *Server) handleHandDelivery(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	named, err := s.db.Addressees(ctx, st.ID)
	if err != nil {
		return err
	}
	ids, chosen := chosenAddressees(c, named)
	f := handDeliveryForm{To: ids, Method: c.FormValue("method"), DeliveredAt: c.FormValue("delivered_at"),
		Place: c.FormValue("place"), Note: c.FormValue("note")}
	err = st.CheckDeliverable(s.now())
	if err == nil {
		by := currentAccount(c).ID
		d := &signon.Delivery{StatementID: st.ID, Method: signon.DeliveryMethod(f.Method), Place: f.Place, Note: f.Note,
			RecordedBy: &by, Recipients: recipientsOf(chosen)}
		if at, ok := parseLocalTime(f.DeliveredAt, s.cfg.Location); ok && at != nil {
			d.DeliveredAt = *at
		}
		if err = signon.ValidateHandDelivery(d, s.now()); err == nil {
			err = s.db.CreateDelivery(ctx, d, nil)
		}
	}
	if status, ok := formFailure(err); ok {
		return s.renderDelivery(c, status, st, nil, &f, err)
	} else if signon.ErrorCode(err) == signon.ECONFLICT {
		return s.renderDelivery(c, http.StatusConflict, st, nil, &f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, deliveryURL(st.ID)+"?done=recorded")
}

// --- What the public sees ---

// deliveryFacts is what the public page and the printed statement say
// of a statement's addressees and deliveries.
type deliveryFacts struct {
	Addressees []signon.Addressee
	Delivered  []string // "Delivered to … on …", one per delivery
	Cover      string   // "Signed by 47 organizations and 312 individuals from 18 states"
}

// AddresseeLabels lists the addressees one per line.
func (f deliveryFacts) AddresseeLabels() []string {
	out := make([]string, len(f.Addressees))
	for i := range f.Addressees {
		out[i] = f.Addressees[i].Label()
	}
	return out
}

// deliveryFactsOf gathers the delivery facts of st in t's language. The
// cover line is said only once the statement has been delivered.
func (s *Server) deliveryFactsOf(ctx context.Context, t *translator, st *signon.Statement) (deliveryFacts, error) {
	var f deliveryFacts
	var err error
	if f.Addressees, err = s.db.Addressees(ctx, st.ID); err != nil {
		return f, err
	}
	deliveries, err := s.db.Deliveries(ctx, st.ID)
	if err != nil || len(deliveries) == 0 {
		return f, err
	}
	for _, d := range deliveries {
		f.Delivered = append(f.Delivered, deliveredLine(t, d, s.cfg.Location))
	}
	counts, err := s.db.SignerCounts(ctx, st.ID)
	if err != nil {
		return f, err
	}
	f.Cover = coverLine(t, counts)
	return f, nil
}

// deliveredLine is "Delivered to A and B on November 3, 2026", with how
// and where when recorded by hand.
func deliveredLine(t *translator, d *signon.Delivery, loc *time.Location) string {
	names := make([]string, len(d.Recipients))
	for i := range d.Recipients {
		names[i] = d.Recipients[i].Label()
	}
	line := t.T("delivery.public.delivered", "To", joinList(t, names), "Date", formatDate(d.DeliveredAt.In(loc), t.lang))
	if d.Method != signon.DeliveryEmail && d.Method != signon.DeliveryOther {
		line += " (" + t.T("delivery.method."+string(d.Method)) + ")"
	}
	if d.Place != "" {
		line += " — " + d.Place
	}
	return line
}

// joinList joins names as a sentence does: "A, B and C".
func joinList(t *translator, names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return t.T("delivery.list", "Items", strings.Join(names[:len(names)-1], "; "), "Last", names[len(names)-1])
}

// coverLine is "Signed by 47 organizations and 312 individuals from 18
// states", each count in its singular or plural.
func coverLine(t *translator, c signon.SignerCounts) string {
	var signers string
	orgs := t.T("delivery.count.organizations", "Count", c.Organizations)
	people := t.T("delivery.count.individuals", "Count", c.Individuals)
	switch {
	case c.Organizations > 0 && c.Individuals > 0:
		signers = t.T("delivery.cover.both", "Organizations", orgs, "Individuals", people)
	case c.Individuals > 0:
		signers = people
	case c.Organizations > 0:
		signers = orgs
	default:
		return ""
	}
	switch {
	case c.Regions > 0:
		return t.T("delivery.cover.signed_from", "Signers", signers, "Places", t.T("public.count.states", "Count", c.Regions))
	case c.Countries > 1:
		return t.T("delivery.cover.signed_from", "Signers", signers, "Places", t.T("public.count.countries", "Count", c.Countries))
	}
	return t.T("delivery.cover.signed", "Signers", signers)
}

// addDeliveryWords puts the addressees, the cover line and the
// deliveries on the printed statement: the addressees, when named, in
// place of the free-text "addressed to".
func (s *Server) addDeliveryWords(ctx context.Context, t *translator, doc *printed.Statement) error {
	f, err := s.deliveryFactsOf(ctx, t, doc.Statement)
	if err != nil {
		return err
	}
	if labels := f.AddresseeLabels(); len(labels) > 0 {
		shown := *doc.Statement
		shown.AddressedTo = strings.Join(labels, "; ")
		doc.Statement = &shown
	}
	doc.Words.Cover, doc.Words.Delivered = f.Cover, f.Delivered
	return nil
}
