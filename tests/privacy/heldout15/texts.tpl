### h15-001
12/03/25, 9:14 pm - Ramesh Iyer: Good evening all 🙏 Block C ka water pump phir se band hai, tank level 20% pe hai
12/03/25, 9:16 pm - Kavya (C-1204): Plumber Raju bhaiya ka number kisi ke paas hai? Last time unhone 45 min me fix kiya tha
12/03/25, 9:17 pm - Ramesh Iyer: Haan, Raju: [[PHONE|@@phone:p001a:IN:m:notrunk:98:10@@]] — bolna Lakeside C block se hai, visiting charge ₹350
12/03/25, 9:19 pm - Sunil Rao: Electrician bhi chahiye to Imran ko WhatsApp karo wa.me/[[PHONE|@@phone:p001b:IN:m:wa:70:10@@]] , bahut reliable hai
12/03/25, 9:22 pm - Treasurer Meena: Reminder: March maintenance ₹3,450 per flat due by 15/03. Corpus fund balance ₹2,45,000 after the lift AMC payment (UPI Ref No 412356789012).
12/03/25, 9:24 pm - Kavya (C-1204): Paid ₹3,450 just now, UPI ref 508811234567. Meena ji please check
12/03/25, 9:30 pm - Sunil Rao: Also guard ne bola new tenant C-803 ka police verification pending hai, Aadhaar copy office me dena hai. Car KA 03 MN 4521 visitor parking me 3 din se khadi hai
12/03/25, 9:31 pm - Meena: MyGate OTP 482913 wala message ignore karo, woh expire ho gaya. PIN code for courier: 560103
### h15-002
Sharma Parivar 👨‍👩‍👧‍👦
[05/04/25, 7:02:11 AM] Ankit: Holi ke baad wale tickets ho gaye ✅ PNR 4521876903, 12628 Karnataka Exp, 18 Apr, coach B2 berth 34, 35, 36
[05/04/25, 7:03:40 AM] Ankit: IRCTC txn id 100004512398765, total ₹4,215.60 incl. convenience fee ₹35.40
[05/04/25, 7:05:02 AM] Pooja: Dadi (78) ke liye lower berth mila kya? Senior citizen quota 😅
[05/04/25, 7:06:55 AM] Ankit: Haan 34 lower hai. Chart 17 Apr raat 10 baje banega
[05/04/25, 7:10:19 AM] Papa: Ankit beta, Aadhaar ka last 4 digit XXXX XXXX 4821 dikha raha hai booking me, theek hai?
[05/04/25, 7:12:47 AM] Ankit: Haan Papa, masked hi dikhata hai. Aur mobile bhi +91 98XXX XX210 aise hi aata hai SMS me
[05/04/25, 7:14:03 AM] Pooja: Cab book kar dena station ke liye, Ola booking CRN 7712093345 Rs 482 estimate
[05/04/25, 7:15:30 AM] Papa: 👍
### h15-003
#backend-payments — Thursday

Arjun: @Neha prod me webhook signature fail ho raha hai since 11:40. Razorpay dashboard pe 214 failed events dikh rahe
Neha: kaunsa key use ho raha hai? staging wala to nahi chala gaya?
Arjun: nahi yaar, helm values me yehi hai:
```
RAZORPAY_KEY_ID=@@rzpkey:k003@@
RAZORPAY_KEY_SECRET=[[SECRET|@@alnum:s003:24@@]]
DATABASE_URL=[[URL_CREDENTIALS|postgresql://payments_svc:@@pw:db003:18@@@pg-primary.internal:5432/payments]]
```
Neha: secret paste mat karo channel me 😬 rotate karna padega ab. Aur webhook ke liye whitelisted egress IP [[IP_ADDRESS|13.235.148.92]] hai na?
Arjun: haan NAT gateway wala. Sample failing event: order_PkQ82nHz1xLmTa, pay_PkQ83Yw7RtUv0c, amount 49900 (paise), GSTIN 29AAGCB7385N1ZK on invoice
Neha: ok I'll rotate after the 2:30 release (v3.18.2)
### h15-004
Can you review this settings module from our Pune team? We want to make sure nothing sensitive is committed.

```python
# payments/settings.py
import os

RAZORPAY_KEY_ID = os.environ.get("RAZORPAY_KEY_ID", "rzp_test_XXXXXXXXXXXXXX")
RAZORPAY_KEY_SECRET = os.environ["RAZORPAY_KEY_SECRET"]  # injected from Vault path kv/payments/razorpay
GST_RATE = 0.18
COMPANY_GSTIN = os.environ.get("COMPANY_GSTIN", "")
CURRENCY = "INR"
MIN_ORDER_PAISE = 10000          # ₹100
REFUND_WINDOW_DAYS = 7
SETTLEMENT_CUTOFF = "17:30"      # IST
WEBHOOK_SECRET = os.getenv("RAZORPAY_WEBHOOK_SECRET")
ALLOWED_HOSTS = ["api.kiranakart.in", "localhost", "127.0.0.1"]
```

And the test fixture uses `order_id="order_TEST00000000"`, `payment_id="pay_TEST00000000"`, UPI VPA `success@razorpay` (their documented test VPA) and amount `249900`. Is using `os.environ[...]` without a default the right pattern here?
### h15-005
Customer: AoA, mujhe apni salary account change karwani hai. Company HR ne kaha naya IBAN bhejo
Agent (Meezan Bank): Walaikum Salam! Ji zaroor. Aap apna IBAN aur registered mobile number confirm kar dein
Customer: IBAN [[IBAN|@@iban:i005:PK:MEZN:spaced@@]] hai. Mobile [[PHONE|@@phone:p005:PK:m:nat:300@@]]
Agent: Shukriya. Verification ke liye CNIC ke aakhri 4 digits?
Customer: CNIC 35202-8765432-1 hai, poora likh diya
Agent: Sir, poora CNIC chat me share na karein 🙏. Aap ki request ref# MBL-CR-2025-0318-44721 generate ho gayi hai. Rs. 85,000 ki March salary 1 April tak purane account me hi aayegi, uske baad naya account active hoga. Branch code 0123, Gulberg III Lahore.
Customer: Theek hai, JazzAkAllah
### h15-006
JazzCash: Rs. 5,000.00 transferred to Ali Raza 0300****567 on 14-Mar-2025 08:41 PM. TID: 018273645192. Fee Rs. 0.00. Available balance Rs. 12,340.75. Dial *786# for mini statement.

Easypaisa: Aap ke account me Rs. 2,750 receive hue from 0345***1190. Trx ID 29384756102. Bijli ka bill (LESCO ref 04 11234 5678901 U) due date 22-03-2025, amount Rs. 7,816.

Bhai yeh dono messages dekho — kya JazzCash wala transfer successful hai? Aur LESCO bill ka reference number sahi hai ya nahi? Helpline 4444 pe call kiya to 20 minute hold pe rakha. Mera CNIC last digits 4471 maang rahe the, diye nahi.
### h15-007
Subject: Application for Junior Data Analyst (Ref: DA-LHR-2025-09)

Dear Hiring Manager,

Please find attached my CV for the Junior Data Analyst role advertised on Rozee.pk. Brief details:

Name: Hamza Tariq Qureshi
Date of Birth: [[DATE_OF_BIRTH|14-03-1996]]
CNIC: 35201-4412789-3
Domicile: Lahore, Punjab
Email: [[EMAIL|hamza.t.qureshi96@gmail.com]]
Mobile: [[PHONE|@@phone:p007:PK:m:intl:321@@]]
Education: BS Statistics, GCU Lahore (CGPA 3.62/4.00), Matric roll no. 417823
Experience: 2 years at Bahria Analytics (Python, SQL, Power BI), notice period 30 days
Expected salary: PKR 140,000

Referee: Dr. Saima Anwar, GCU — [[PHONE|@@phone:p007r:PK:f:nat:42@@]]

Regards,
Hamza
### h15-008
📢 We're hiring — Zarlink Textiles (Pvt.) Ltd., Faisalabad

Position: Assistant Manager Accounts (Ref HR/2025/117)
Salary: PKR 180,000 – 220,000 + fuel 150 L/month
Requirements: ACCA/CA-inter, 3–5 years, age limit 35 years as on 31-03-2025
Location: Plot 42-B, M-3 Industrial City, Sahianwala, 38000
NTN of company: 4217365-9, STRN 32-77-8761-045-11

Apply only through the careers portal (careers.zarlink.com.pk/jobs/117) by 31-03-2025. Shortlisted candidates will be called for a test on 12-04-2025 at 10:00 AM.
For queries call our UAN 111-927-546 (Mon–Sat 9–5). Do not send original CNIC or degrees by post.
Please rewrite this ad in a more professional tone for LinkedIn.
### h15-009
To: complaints desk
Subject: Wrong cash-out, please reverse

Dear bKash team,

On 09/03/2025 at 16:05 I did Cash Out of Tk 8,000 to agent 01819XXXXXX but the agent says he did not get it. TrxID BCN7PQ4K2M. Charge Tk 148.00 was cut. Your helpline 16247 told me to write here.

For verification as asked by your agent: my bKash number is [[PHONE|@@phone:p009:BD:m:nat:171@@]], NID number 19922691234567890 and date of birth (as per NID) [[DATE_OF_BIRTH|12 January 1992]]. Please reply to [[EMAIL|rafiq.hasan.ctg@yahoo.com]].

Complaint ticket from call centre was 250309-77813. Please solve quickly, it is my shop money.

Rafiqul Hasan
Agrabad, Chattogram 4100
### h15-010
Amar phone e ei SMS gula eseche, ektu English e bujhiye dao, kono fraud ache ki na:

1) You have received Tk 2,500.00 from 01712XXXXXX. Ref 1234. Fee Tk 0.00. Balance Tk 12,450.50. TrxID BCK4L7P2QZ at 14/03/2025 18:22

2) Nagad: Cash In Tk 5,000.00 successful. TxnID 74KD9R2A. Balance Tk 17,450.50. 15/03/2025 10:02

3) Dear customer, your bKash account will be blocked. Share your PIN and OTP 5519 to 0177-XXX-XXXX to keep it active.

4) DESCO prepaid: Token 4821-0937-5512-6674-0218 for meter 11020045871, Tk 1,000 on 15/03/2025 (already loaded into the meter).

3 number ta ki scam? Ami PIN kauke dei nai. bKash helpline 16247.
### h15-011
GREEN CRESCENT DIAGNOSTIC & CLINIC — New Patient Registration (Dhanmondi)

Patient name: Nusrat Jahan Mim
Date of birth: [[DATE_OF_BIRTH|03/08/2015]]   Age: 9 Y   Sex: F   Blood group: B+
Guardian: Mahmudul Karim (father)
Guardian mobile: [[PHONE|@@phone:p011:BD:m:intl:181@@]]
Guardian email: [[EMAIL|mahmud.karim.bd@outlook.com]]
Address: House 27, Road 9/A, Dhanmondi, Dhaka 1209
Referred by: Dr. Farhana Alam (BMDC A-48213)
Complaint: recurrent fever x 5 days, cough
Patient ID: GC-2025-031877   Serial: 14   Room 405   Consultation fee: BDT 1,000
Appointment: 18/03/2025, 6:30 PM

Please translate this form into Bangla for the front desk template.
### h15-012
Lab report (please explain in simple words):

Patient ID: PL-778214   Lab No: 25031400873   Age/Sex: 34 Y / M
Sample collected: 14-Mar-2025 08:10   Reported: 14-Mar-2025 15:42

Haemoglobin 11.2 g/dL (13.0–17.0)
WBC 11,800 /cumm (4,000–11,000)
Platelets 1,52,000 /cumm (1,50,000–4,50,000)
ESR 38 mm/1st hr (0–10)
HbA1c 6.4 % (4.0–5.6)
Serum creatinine 1.08 mg/dL

Consultant: Prof. Dr. A. K. M. Rezaul Haque, MBBS, FCPS (Medicine)
Hotline 10666 | Report verification code RV-93X1-KQ7
### h15-013
Chat Tokopedia — Toko "Batik Sekar Arum"

Pembeli: Kak, gamis batik ukuran L warna navy masih ready? Saya mau 2 pcs
Penjual: Ready kak 🙏 Rp285.000/pcs, total Rp570.000 + ongkir JNE REG ke Bandung Rp18.000
Pembeli: Oke kak sudah checkout, INV/20250312/MPL/3987123456. Alamat Jl. Cigadung Raya Barat No. 14, Bandung 40191. Kalau kurir bingung hubungi [[PHONE|@@phone:p013:ID:m:nat:812:11@@]] ya kak (nomor suami saya)
Penjual: Siap kak. Resi nanti sore: JNE 0241 2209 8812 3456. Kalau mau custom ukuran chat WA admin aja ya wa.me/[[PHONE|@@phone:p013w:ID:m:wa:857:11@@]]
Pembeli: Makasih kak. Voucher CASHBACK25 kepake kan?
Penjual: Kepake kak, cashback 25% maks Rp20.000 masuk 3 hari setelah pesanan selesai 🙏
### h15-014
Tolong bantu rangkum notifikasi ini jadi 3 poin:

Pesanan kamu sudah dikirim! 🚚
No. Invoice: INV/20250314/MPL/4011298876
Penerima: Dewi A. (+62 812-****-7890)
Alamat: Kel. Tlogosari Kulon, Kec. Pedurungan, Semarang 50196
Kurir: SiCepat REG — No. Resi 004512987731
Estimasi tiba: 17–18 Maret 2025
Total bayar: Rp1.247.500 (termasuk biaya layanan Rp1.000 dan ongkir Rp22.500)
Metode: GoPay Later — jatuh tempo 14 April 2025

Kode OTP di bawah ini hanya contoh tampilan: 123456. Jangan berikan kode OTP asli kepada siapa pun, termasuk pihak yang mengaku dari Tokopedia.
### h15-015
Kepada Yth. HRD PT Sinar Nusantara Logistik
di Jakarta

Dengan hormat,
Saya yang bertanda tangan di bawah ini:
Nama: Rizky Pratama Nugroho
Tempat, tanggal lahir: Bandung, [[DATE_OF_BIRTH|17 Agustus 1990]]
NIK: 3273011708900004
NPWP: 84.312.556.7-423.000
Alamat: Jl. Pasir Kaliki No. 88, Bandung 40171
Telepon/WA: [[PHONE|@@phone:p015:ID:m:intl:813:11@@]]
Email: [[EMAIL|rizky.pratama.n@yahoo.co.id]]

bermaksud melamar posisi Supervisor Gudang sesuai lowongan di JobStreet (kode SNL-WH-07). Saya berpengalaman 6 tahun di bidang pergudangan, terakhir di PT Cahaya Mandiri dengan gaji Rp8.500.000.
Bersama ini saya lampirkan CV, ijazah S1, SKCK dan sertifikat K3.

Hormat saya,
Rizky Pratama Nugroho
### h15-016
Tolong terjemahkan ke bahasa Inggris untuk ibu saya yang tinggal di Sydney:

DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA SURABAYA
Nomor: 470/1882/436.7.11/2025
Perihal: Jadwal Perekaman KTP-el

Berdasarkan permohonan Saudara dengan NIK 3578********0003, perekaman KTP-el dijadwalkan pada:
Hari/tanggal: Kamis, 20 Maret 2025
Pukul: 09.00–11.00 WIB
Tempat: Mal Pelayanan Publik Siola, Lt. 3, Jl. Tunjungan No. 1–3
Nomor antrian: B-047
Biaya: Rp0 (tidak dipungut biaya)

Harap membawa Kartu Keluarga asli (No. KK dapat dilihat di dokumen) dan bukti pendaftaran. Informasi: Call Center 112 atau aplikasi Klampid New Generation.
### h15-017
GCash Help Center chat

Customer: hello po, hindi ko ma-link yung card ko sa GCash, laging "transaction declined"
Gigi (bot): Hi! Please describe the issue and include your GCash-registered mobile number.
Customer: yung GCash number ko po is [[PHONE|@@phone:p017:PH:m:nat:917@@]]. Sinubukan ko i-link yung BPI Visa ko [[CREDIT_CARD|@@card:c017:visa:spaced@@]] exp 09/28, 3 beses na
Agent Mae: Hi po! For your security, please don't send full card details here 🙏 Paki-try po ulit after 24 hours. Na-log na po natin: ticket #CS-20250315-881204
Customer: eh nagbayad na ako sa Meralco kahapon ₱3,500.00 Ref No. 9012 345 678901, pumasok naman. Bakit ngayon ayaw na?
Agent Mae: Noted po, we'll email you within 3–5 banking days.
### h15-018
Paki-summarize nga itong receipt, para sa reimbursement ko sa office:

GCash
Express Send
Sent to: JU***N D*** C.
Mobile: +63 9** *** 4567
Amount: ₱1,250.00
Total Amount Sent: ₱1,250.00
Ref. No. 1009 234 567890
Mar 15, 2025 2:41 PM

Message: "bayad sa catering ng team lunch, 25 pax x ₱50"

Tapos may second receipt: Maya, ₱780.00 to "Kusina ni Aling Nena", Ref 6733 1209 4458, Mar 16, 2025. Para sa cost center PH-MNL-OPS-014 yan. Kung may tanong, hotline ng GCash 2882.
### h15-019
Team, quick update sa payments migration (Taglish ahead 😅)

Carlo: Nag-fail yung disbursement job kagabi. Pina-check ko yung env sa staging pero prod pala yung na-deploy:
```
XENDIT_SECRET_KEY=[[SECRET|@@xendit:x019@@]]
TWILIO_ACCOUNT_SID=AC@@hex:sid019:32@@
TWILIO_AUTH_TOKEN=[[SECRET|@@hex:tw019:32@@]]
```
Bea: Grabe, naka-plaintext. Rotate natin today. Anong IP yung nire-reject ng Xendit?
Carlo: yung bagong EC2 sa Singapore, [[IP_ADDRESS|18.139.92.204]]. Hindi pa naka-whitelist. Batch id DISB-2025-03-14-0007, 312 payouts, ₱1,842,350.00 total
Bea: Sige, i-add ko sa IP allowlist at i-rotate yung keys. ETA 3pm. Sprint 14 ticket PAY-482.
### h15-020
[Viber] Villa Verde Phase 2 HOA Officers

[3/10/25, 8:05 AM] Tess (Treasurer): Good morning po! Monthly dues ₱1,200 for March, deadline March 20. Late fee ₱100.
[3/10/25, 8:07 AM] Jun (Pres): Reminder po sa lahat: Blk 7 Lot 12 at Blk 9 Lot 3 may unpaid pa since January.
[3/10/25, 8:12 AM] Marlon (Security): Yung pulang Vios, plate NAB 4521, naka-park sa tapat ng clubhouse 3 days na.
[3/10/25, 8:15 AM] Tess: Noted po. Official receipt no. 004512 hanggang 004560 ang ginamit ngayong buwan.
[3/10/25, 8:20 AM] Jun: Kung may emergency, Barangay hotline (02) 8123 4567 or 911. Meeting natin March 22, 4 PM sa clubhouse. Agenda: water interruption (Maynilad advisory MWD-25-0311) at gate pass renewal ₱150.
### h15-021
PHIẾU THÔNG TIN ỨNG VIÊN — Công ty TNHH Phần mềm Sao Khuê (Đà Nẵng)

Họ và tên: Nguyễn Thị Thu Hà
Sinh ngày [[DATE_OF_BIRTH|02/09/1995]] tại Quảng Nam (30 tuổi)
Số CCCD: 049195012345, cấp ngày 15/04/2021 tại Cục CS QLHC về TTXH
Mã số BHXH: 4921087731
Điện thoại: [[PHONE|@@phone:p021:VN:m:dot:90:9@@]]
Email: [[EMAIL|thuha.nguyen95@gmail.com]]
Vị trí ứng tuyển: QA Engineer (mã tin QA-DN-0325)
Mức lương mong muốn: 18.000.000 – 22.000.000 VNĐ
Ngày có thể đi làm: 01/04/2025
Người giới thiệu: anh Trần Minh Quân (Team Lead), SĐT [[PHONE|@@phone:p021r:VN:m:nat:98:9@@]]

Nhờ bạn chuyển phiếu này sang bảng tiếng Anh cho phòng nhân sự bên Singapore.
### h15-022
Giải thích giúp mình thông báo giao hàng này với, mình không hiểu phí COD:

[Shopee] Đơn hàng 250314K9P2XQ7N đã được giao cho đơn vị vận chuyển.
Mã vận đơn GHN: GYK7P3QH
Người nhận: Lê V*** T*** — 09******82
Địa chỉ: Phường 12, Quận Tân Bình, TP. Hồ Chí Minh
Tổng tiền hàng: 1.250.000₫
Phí vận chuyển: 32.000₫ (giảm 15.000₫ Freeship Xtra)
Thu hộ (COD): 1.267.000₫
Dự kiến giao: 17/03/2025 – 18/03/2025
Hotline GHN 1900 636677 | Mã khuyến mãi: SPVN0325

Ngoài ra có tin nhắn "Mã OTP của bạn là 774120, hiệu lực 5 phút" từ hôm qua — mã này đã hết hạn rồi đúng không?
### h15-023
Mọi người ơi, ai biết sao con worker này chạy local thì ok mà lên server thì timeout không? File .env mình đang dùng:

```
NODE_ENV=production
PORT=8080
MONGO_URI=[[URL_CREDENTIALS|mongodb://vnshop_app:@@urlsafe:mg023:16@@@10.20.3.14:27017/vnshop?authSource=admin]]
AWS_ACCESS_KEY_ID=[[SECRET|@@akia:a023@@]]
AWS_SECRET_ACCESS_KEY=[[SECRET|@@awssecret:as023@@]]
AWS_REGION=ap-southeast-1
S3_BUCKET=vnshop-invoices-prod
ZALO_OA_ID=4318892217650093321
```

Log: `connect ETIMEDOUT [[IP_ADDRESS|10.20.3.14]]:27017` sau 30000ms. Security group của EC2 là sg-0a7f3c91d2e4b5a60, subnet 10.20.3.0/24. Version mongoose 8.2.1, node 20.11.0.
### h15-024
Log service thanh toán, nhờ xem vì sao request bị 502:

2025-03-15T09:14:22.187+07:00 INFO  [order-svc] traceId=6f1c2a9e8b7d4e03 create order id=ORD-250315-000871 amount=349000 VND
2025-03-15T09:14:22.412+07:00 INFO  [pay-gw] call momo v2.3.1 partnerCode=MOMOSANDBOX requestId=ORD-250315-000871-1
2025-03-15T09:14:52.413+07:00 ERROR [pay-gw] upstream timeout after 30000ms (http://127.0.0.1:9090/v2/gateway/api/create)
2025-03-15T09:14:52.420+07:00 WARN  [nginx] 502 Bad Gateway upstream=127.0.0.1:9090 bytes=157 rt=30.004
2025-03-15T09:15:01.002+07:00 INFO  [cron] đối soát ngày 14/03/2025: 1.204 giao dịch, tổng 418.772.000 VND
Config: listen 0.0.0.0:8080, worker_connections 1024, keepalive_timeout 65, build 2025.03.14-rc2
### h15-025
แบบฟอร์มลงทะเบียนผู้ป่วยใหม่ — คลินิกทันตกรรมยิ้มใส สาขาเชียงใหม่

ชื่อ-นามสกุล: นางสาวพิมพ์ชนก ศรีสุวรรณ
เกิดวันที่ [[DATE_OF_BIRTH|5 มกราคม 2535]] (อายุ 33 ปี)
เลขประจำตัวประชาชน: 1 5099 01234 56 7
เบอร์โทรศัพท์มือถือ: [[PHONE|@@phone:p025:TH:m:nat:86@@]]
อีเมล: [[EMAIL|pimchanok.s@hotmail.co.th]]
ผู้ติดต่อกรณีฉุกเฉิน: คุณสมชาย ศรีสุวรรณ (บิดา) [[PHONE|@@phone:p025e:TH:m:plain:81@@]]
ประวัติแพ้ยา: เพนิซิลลิน
นัดหมาย: 22 มี.ค. 2568 เวลา 13:30 น. (ขูดหินปูน ค่าบริการ 800 บาท)
HN: 68-004217

ช่วยแปลฟอร์มนี้เป็นภาษาอังกฤษให้หน่อยค่ะ
### h15-026
ช่วยสรุปรายการนี้ให้หน่อยครับ ว่าจ่ายอะไรไปบ้าง

1) พร้อมเพย์: โอนเงินสำเร็จ ฿1,250.00 ไปยัง นาย ธ*** ก*** เลขที่อ้างอิง 2025031514221873 วันที่ 15 มี.ค. 68 14:22
2) Kerry Express: พัสดุหมายเลข KEXK250315998712 ถึงปลายทาง 10260 วันที่ 17/03/2568 ค่าส่ง ฿65
3) บิลค่าไฟ กฟน. เลขที่ผู้ใช้ไฟฟ้า 020012345678 ยอด ฿2,318.47 ครบกำหนด 25 มี.ค. 2568
4) SMS: รหัส OTP 448213 (Ref: KQWZ) ใช้ได้ภายใน 5 นาที — อันนี้หมดอายุไปแล้ว
5) Grab: GF-250315-8842173 ฿189 ทะเบียนรถ 2กข 4512 กรุงเทพมหานคร

คอลเซ็นเตอร์ Kerry 1217
### h15-027
Hi, our LINE Messaging API bot stopped replying after we moved it to Cloud Run. Here is the config and the error — what's wrong?

```yaml
line:
  channel_id: "2006418273"
  channel_secret: "[[SECRET|@@hex:ls027:32@@]]"
  channel_access_token: "[[SECRET|@@linetoken:lt027@@]]"
  webhook_path: /callback
richmenu_id: richmenu-@@hex:rm027:32@@
```

Error in logs: `401 {"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}` for userId U@@hex:uid027:32@@. Revision kaeru-bot-00042-fzk, region asia-northeast1. We deployed at 10:40 JST on 2025-03-15.
### h15-028
LINE group "เที่ยวญี่ปุ่น เมษา 68 ✈️" (export)

2025.03.10 20:11 Mild: จองตั๋วแล้วนะ TG 660 BKK→HND 12 เม.ย. 22:45 Booking ref 6KQ2LM
2025.03.10 20:12 Mild: ขากลับ TG 683 HND→BKK 19 เม.ย. 17:15 ราคารวม ฿23,870 ต่อคน
2025.03.10 20:15 Ton: โรงแรม Shinjuku confirmation no. 5501287734 (จองผ่าน Agoda เช็คอิน 15:00)
2025.03.10 20:17 Fah: JR Pass 7 วัน ¥50,000 แพงขึ้นเยอะเลย 😭
2025.03.10 20:20 Ton: ทำวีซ่าไม่ต้องนะ ไทยเข้าญี่ปุ่นได้ 15 วัน แต่ต้องกรอก Visit Japan Web ก่อน
2025.03.10 20:22 Mild: เงินกองกลางโอนเข้า SCB xxx-x-x4521-x คนละ ฿5,000 ภายใน 20 มี.ค.
### h15-029
Chat Shopee — Kedai "Kek Lapis Sarawak Mak Yah"

Pembeli: Salam kak, nak order 3 kotak kek lapis Hati Pari untuk Raya, boleh pos ke Johor Bahru sebelum 25 Mac?
Penjual: Boleh sis 😊 RM45 sekotak, 3 kotak RM135 + pos J&T RM12. Kalau nak tempahan khas (tulis nama), WhatsApp terus saya [[PHONE|@@phone:p029:MY:m:nat:13@@]]
Pembeli: Ok, saya dah checkout, order ID 250315QK8NT1YB. Kalau kurier tak jumpa rumah, call suami saya [[PHONE|@@phone:p029b:MY:m:intl:17@@]]. Resit tolong e-mel ke [[EMAIL|nurul.aina88@yahoo.com.my]]
Penjual: Baik sis. Tracking J&T 630012874521 nanti malam. Nombor MyKad sis untuk kastam tak perlu ye, dalam negara je. Alamat: No. 12, Jalan Setia 3/5, Taman Setia Indah, 81100 Johor Bahru.
### h15-030
Boleh ringkaskan notis ini dalam Bahasa Inggeris?

LEMBAGA HASIL DALAM NEGERI MALAYSIA
No. Rujukan: LHDN.01/35/42/51/179-8842
Tarikh: 10 Mac 2025

Baki cukai bagi Tahun Taksiran 2023: RM1,234.50
Tarikh akhir bayaran: 30 April 2025
No. Cukai Pendapatan: IG 23481907060
Bayaran boleh dibuat melalui ByrHASiL (kod bil 084) atau FPX.

Touch 'n Go eWallet: Transaksi RM50.00 tambah nilai, Ref No. 20250310TNGOW3MY512009881732, 10/03/2025 19:42.
Alamat surat-menyurat: Menara Hasil, Persiaran Rimba Permai, Cyber 8, 63000 Cyberjaya, Selangor.
Talian bebas tol: 03-8911 1000.
### h15-031
Subject: Re: Tenancy — Blk 412 Bukit Batok West Ave 4, #08-231

Hi Mr. Lim,

Thanks for arranging the viewing. We would like to proceed at S$3,200/month for 24 months, move-in 1 April 2025.

As requested for the Letter of Intent:
Tenant: Arvind Krishnan, NRIC S8812345D (Singapore PR)
Mobile: [[PHONE|@@phone:p031:SG:m:intl:9@@]]
Email: [[EMAIL|arvind.krish@singnet.com.sg]]

For the good-faith deposit of S$3,200 you said a card is fine, so please charge my Mastercard [[CREDIT_CARD|@@card:c031:mc:spaced@@]], expiry 11/27. Stamp duty (IRAS) S$256 we will pay online; the CEA registration of your agency is L3008022J and yours is R061234B, noted.

Regards,
Arvind
### h15-032
Please rewrite this appointment letter as a short checklist for my parents:

IMMIGRATION & CHECKPOINTS AUTHORITY
Appointment for Collection of Long-Term Visit Pass
Application no.: LTVP-2025-0318-77412
Date & time: 27 Mar 2025 (Thursday), 10:15 am
Venue: ICA Building, 10 Kallang Road, Level 3, Singapore 208718
Queue number will be issued on arrival; please arrive 15 minutes early.
Fee payable: S$30.00 per pass (NETS or credit card)
Bring: passport (valid ≥ 6 months), this letter, Form V36, sponsor's NRIC (masked S****123D acceptable for photocopy).
Rescheduling: via the e-Appointment portal, at least 3 working days before. Enquiries: ICA Call Centre 6391 6100.
### h15-033
G'day Priya,

Thanks for having me out to quote the bathroom reno at 14 Wattle St, Parramatta NSW 2150.

Quote Q-2025-0312: strip-out + waterproofing + tiling 9.4 m², $8,450.00 + GST ($845.00), total $9,295.00. 30% deposit ($2,788.50) to lock in a start date of 7 April.

Bank details for the deposit (not a card payment):
Kowhai Tiling Pty Ltd — BSB 062-184, Acc 1042 8873
Reference: Q20250312

ABN 51 824 753 556, NSW licence 274913C. Mobile [[PHONE|@@phone:p033:AU:m:nat:412@@]] (text is best, I'm on site most days) or email [[EMAIL|dave@kowhaitiling.com.au]].

Cheers,
Dave Ngata
### h15-034
Can you explain what I need to do with this letter from Sydney Water? I just moved here from Chennai.

Account number: 4012 7753 219
Property: Unit 6/23 Marsden Rd, Carlingford NSW 2118
Bill period: 01 Dec 2024 – 28 Feb 2025 (89 days)
Water usage: 41 kL @ $2.67/kL = $109.47
Service charges: $213.15
Amount due: $322.62 by 21 Mar 2025
BPAY Biller code 14324, Ref 4012 7753 2190
Concession: not applied (you may be eligible with a Centrelink Pensioner Concession Card, CRN 204 518 773K)
Faults & emergencies 13 20 90 (24/7)
### h15-035
Our Brisbane team's docker-compose for the booking API keeps crashing with NOAUTH. Can you spot it?

```yaml
services:
  api:
    image: ghcr.io/mateship/booking-api:2.7.4
    environment:
      REDIS_URL: [[URL_CREDENTIALS|redis://default:@@pw:rd035:20@@@redis-prod.mateship.internal:6379/0]]
      SENDGRID_API_KEY: [[SECRET|@@sg:sg035@@]]
      ALLOWED_ORIGINS: https://book.mateship.com.au
      TZ: Australia/Brisbane
  worker:
    image: ghcr.io/mateship/booking-api:2.7.4
    command: celery -A booking worker -c 4
```

The redis node is at [[IP_ADDRESS|172.31.44.19]] and the error is `NOAUTH Authentication required` at 06:12 AEST.
### h15-036
Is this the right way to reference secrets from SSM in our Sydney account? Nothing should be hard-coded.

```json
{
  "family": "payroll-api",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{
    "name": "app",
    "image": "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/payroll-api:1.14.0",
    "secrets": [
      {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:ap-southeast-2:123456789012:parameter/payroll/db_password"},
      {"name": "XERO_CLIENT_SECRET", "valueFrom": "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:xero-AbCdEf"}
    ],
    "environment": [{"name": "PAYG_YEAR", "value": "2025"}, {"name": "SUPER_RATE", "value": "0.115"}],
    "portMappings": [{"containerPort": 8000}]
  }]
}
```
### h15-037
Kia ora — please help me fill this enrolment form for Te Awa Primary School; the school wants it typed.

Student: Mere Aroha Tūhoe-Walker
Date of birth: [[DATE_OF_BIRTH|14/07/2016]]   Year level: 4   Room 9
National Student Number (NSN): 143 221 876
Previous school: Kōwhai Kids, Hamilton (left 21/02/2025)
Parent/caregiver 1: Hine Walker — mobile [[PHONE|@@phone:p037:NZ:m:nat:21@@]], email [[EMAIL|hine.walker@xtra.co.nz]]
Parent/caregiver 2: Tama Tūhoe — mobile [[PHONE|@@phone:p037b:NZ:m:intl:22@@]] (working in Perth till June)
Address: 58 Kahikatea Drive, Frankton, Hamilton 3204
Medical: mild asthma, inhaler in bag. GP: Frankton Medical Centre.
Start date: Monday 17 March 2025. Bus route H-12.
### h15-038
Trade Me sold! Can you draft a friendly message to the buyer about pickup?

Listing #4921873304 — Kids' bike 20" (Avanti Sprint) — sold for $145.00 (Buy Now)
Buyer: kiwimum_82 (feedback 312, 100% positive)
Payment: Ping, received 15 Mar 2025 8:42pm, Ref TM-8823-1190
Pickup: Mt Albert, Auckland 1025, Saturday 22 March between 10am and 1pm
NZ Post tracking if we courier instead: NZ 00 4521 8871 33 (ParcelPost, $12.90)
Note: my IRD number is on the GST invoice template — 123-456-789 — but that's just the sample from Xero, ignore it.
### h15-039
以下の履歴書の内容を英文レジュメに直してください。

氏名：佐藤 美咲（さとう みさき）
生年月日：[[DATE_OF_BIRTH|1988年4月1日]]（満36歳）
現住所：〒150-0002 東京都渋谷区渋谷2丁目21番1号 ヒカリエ通りハイツ502
電話：[[PHONE|@@phone:p039:JP:m:nat:80@@]]
メール：[[EMAIL|misaki.sato.0401@docomo.ne.jp]]

学歴
2007年3月 東京都立青山高等学校 卒業
2011年3月 早稲田大学 商学部 卒業
職歴
2011年4月 株式会社ミナトリテール 入社（販売促進部）
2019年10月 同社 マーケティング課 課長代理
免許・資格：TOEIC 865点（2023年6月）、普通自動車第一種運転免許（2008年取得）
本人希望：勤務地は東京都内を希望します。マイナンバーは内定後に提出します。
### h15-040
この配送通知を英語に訳してもらえますか？

【ヤマト運輸】お荷物お届けのお知らせ
伝票番号：4521-8873-3096
お届け予定日：3月18日（火）14時～16時
お届け先：〒530-0001 大阪府大阪市北区梅田3丁目*-* 様
ご依頼主：株式会社ホクト商事
品名：ノートパソコン（精密機器）
代金引換額：¥12,800（税込）
受付番号：20250315-0771
再配達のご依頼は、クロネコメンバーズまたはお問い合わせ 0120-01-9625 まで。
※このメールは送信専用です。ご本人確認コード 3921（サンプル表示）
### h15-041
#dev-infra（Slack）

田中: 昨日から GitHub Actions のデプロイが 403 で落ちてます。原因わかる人いますか？
鈴木: self-hosted runner の ~/.gitconfig 見たら remote がこうなってました
`url = [[URL_CREDENTIALS|https://deploy-bot:@@ghp:g041@@@github.com/sakura-pay/core-api.git]]`
鈴木: それと .bashrc に `export OPENAI_API_KEY=[[SECRET|@@openai:o041@@]]` がベタ書き…
田中: うわ、両方すぐ失効させましょう。runner のホストは [[IP_ADDRESS|52.195.7.183]]（東京リージョン）ですよね？
鈴木: はい。i-0c3d9f1a27b84e615、Ubuntu 22.04、runner v2.314.1 です。監査ログの request id は 7F2C:1A3B:8D4E:65F0 でした
田中: 失効後に新しいトークンは Secrets に入れて、15:00 のリリース（v4.2.0）前に再実行お願いします
### h15-042
CI が時々失敗します。ログの要点を日本語でまとめてください。

```
Run actions/setup-node@v4 (node-version: 20.12.2)
Cache restored from key: node-cache-Linux-x64-npm-8f14e45fceea167a5a36dedd4bea2543
> sakura-web@3.8.1 test
> vitest run --reporter=dot
 ✓ src/utils/date.test.ts (12 tests) 41ms
 × src/api/order.test.ts > 注文番号 A-20250315-00871 の合計が ¥12,800 になる
   AssertionError: expected 12800 to be 12880
 Test Files  1 failed | 47 passed (48)
 Duration  18.42s (transform 2.31s, setup 0ms)
Error: Process completed with exit code 1.
commit 3f9a2c71e0b4d8a6c5e1f7b2d9a0c4e6f8b1a3d5 by ci-bot, run #1842 attempt 2
```
ポート 5173 の dev サーバーは関係ありますか？
### h15-043
[쿠팡 고객센터 채팅]

고객: 안녕하세요, 로켓배송으로 주문한 공기청정기가 파손되어 왔어요. 주문번호 31002458871234 입니다.
상담원: 불편을 드려 죄송합니다. 본인 확인을 위해 성함, 생년월일, 연락처를 알려주세요.
고객: 김지현이고요, 생년월일은 [[DATE_OF_BIRTH|1993.05.12]], 휴대폰 [[PHONE|@@phone:p043:KR:m:nat:10:10@@]] 입니다. 주민번호 930512-2****** 필요하세요?
상담원: 주민등록번호는 필요 없습니다. 회수 기사님이 3월 18일(화) 방문 예정이며, 회수 송장번호는 6891 2245 7730 입니다. 환불 금액 289,000원은 회수 확인 후 1~3영업일 내 카드 취소됩니다.
고객: 영수증은 [[EMAIL|jihyun.kim0512@naver.com]] 으로 보내주세요.
상담원: 네, 접수번호 CS250315-04417로 처리했습니다.
### h15-044
이 알림들 정리해서 가계부 표로 만들어줘:

[카카오뱅크] 03/15 09:12 출금 1,250,000원 월세 3333-07-4521887 (잔액 2,418,330원)
[카카오뱅크] 03/15 12:40 체크카드 승인 12,500원 스타벅스 역삼점 승인번호 30481127
[토스] 03/15 18:02 입금 85,000원 더치페이 정산 (송금번호 T20250315180211)
[KB국민카드] 03/16 11:23 승인 삼성전자 서비스 189,000원 일시불 누적 742,100원
[우체국택배] 등기번호 6071234567890 03/17 배송예정
[관리비] 3월분 287,460원 납부기한 03/25 (동호수 102동 1304호)
### h15-045
Mercado Libre — mensajes de la venta #2000008812345677

Comprador: Hola, ¿el cargador USB-C de 65 W es original? Lo necesito para el viernes en Puebla
Vendedor: Hola, sí, original con factura. Enviamos por Mercado Envíos Full, llega el jueves 20 de marzo
Comprador: Perfecto, ya pagué $749.00 MXN. Si el repartidor no encuentra la calle, márcale a mi hermana al [[PHONE|@@phone:p045:MX:m:nat:55@@]] o a mí por WhatsApp [[PHONE|@@phone:p045b:MX:m:intl:222@@]]
Vendedor: Anotado. Si necesitas factura mándame tu RFC y correo
Comprador: RFC GOML880412KT5, correo [[EMAIL|lupita.gomez.mx@hotmail.com]], uso de CFDI G03, CP 72000. Mi CURP no la necesitas, ¿verdad?
Vendedor: No, con eso basta. Guía de rastreo 4120 8874 1123 en cuanto salga 👍
### h15-046
Explícame esta factura, ¿cuánto es de IVA y qué es el folio fiscal?

FACTURA — CFDI 4.0
Emisor: Papelería La Pluma de Oro, S.A. de C.V. — RFC PPO1907228K3
Receptor: Consultora Norteña Ávila — RFC CNA150310QX1
Folio interno: A-004512   Fecha: 14/03/2025 11:42
Folio fiscal (UUID): 8F3C21A4-7D1E-4B09-A6C2-91E0F4D3B7A8
Régimen fiscal 601 — Lugar de expedición CP 64000
Subtotal: $10,642.82
IVA 16%: $1,702.85
Total: $12,345.67 MXN (DOCE MIL TRESCIENTOS CUARENTA Y CINCO PESOS 67/100 M.N.)
Forma de pago: 03 Transferencia — Cuenta CLABE del emisor 0121 8000 1234 5678 90
No. de certificado SAT: 00001000000512345678
### h15-047
¿Por qué me regresa 401 este endpoint de pagos? Estamos en producción en CDMX.

```bash
curl -X POST https://api.mercadopago.com/v1/payments \
  -H "Authorization: Bearer [[SECRET|@@mpago:mp047@@]]" \
  -H "X-Idempotency-Key: @@uuid:idem047@@" \
  -d '{"transaction_amount": 1499.00, "description": "Plan anual", "payment_method_id": "oxxo"}'
```

Y nuestro backend llama a este servicio interno con el token de sesión del usuario:
`Authorization: Bearer [[JWT|@@jwt:j047@@]]`

El servidor de pruebas está en [[IP_ADDRESS|189.203.41.77]] puerto 8443. Versión del SDK mercadopago 2.2.1, Node 18.19.
### h15-048
Revisa si este `.env.example` está bien para subirlo al repositorio público de nuestra startup en Monterrey:

```
# Copia este archivo a .env y llena los valores
MP_ACCESS_TOKEN=TEST-0000000000000000-000000-00000000000000000000000000000000-000000000
MP_PUBLIC_KEY=<tu-public-key>
CONEKTA_PRIVATE_KEY=key_xxxxxxxxxxxxxxxxxxxxxxxx
DATABASE_URL=postgres://usuario:contraseña@localhost:5432/tienda
JWT_SECRET=cambia-esto-en-produccion
SAT_RFC_EMISOR=XAXX010101000
FACTURAMA_PASSWORD=********
PORT=3000
```

El RFC XAXX010101000 es el genérico del SAT para público en general, ¿verdad?
### h15-049
EPS Salud Andina — Formulario de afiliación de beneficiario (Medellín)

Tipo y número de documento: CC 1.036.654.321
Nombres y apellidos: Valentina Restrepo Ospina
Fecha de nacimiento: [[DATE_OF_BIRTH|3/11/1987]]   Edad: 37 años
Parentesco con el cotizante: cónyuge
Celular: [[PHONE|@@phone:p049:CO:m:nat:300@@]]   Teléfono fijo: [[PHONE|@@phone:p049f:CO:f:nat:604@@]]
Correo: [[EMAIL|valen.restrepo87@une.net.co]]
Dirección: Cra. 43A # 18 Sur-135, apto 902, El Poblado
IPS de preferencia: Clínica Las Vegas — Sisbén: no aplica
Radicado de la solicitud: 2025-031500874, fecha 15/03/2025

¿Me ayudas a revisar si el formulario está completo antes de radicarlo?
### h15-050
Rappi — Tu pedido va en camino 🛵

Pedido #9187245530
Restaurante: Arepas Doña Chela — Chapinero
Total: COP $45.900 (propina $3.000 incluida)
Repartidor: Jhon F. — moto placa ABC12D
Llega en: 18–25 min (hora estimada 8:42 p. m.)
Pago: tarjeta terminada en 4412
Soporte: en la app, sección Ayuda. Línea Rappi #688 desde tu celular

¿Puedes escribir una reseña corta y amable de este pedido? La arepa llegó fría pero el repartidor fue muy amable.
### h15-051
Hola! Necesito ayuda para escribir un reclamo al banco. Esto es lo que pasó, vos armalo formal:

El 12/03 me llegó un aviso de compra de $ 187.450,00 en "TIENDA ONLINE SRL" con mi Visa [[CREDIT_CARD|@@card:c051:visa@@]] vto 04/27, que yo no hice. Llamé al 0810 y me dieron el número de gestión 20250312-558734. Me dijeron que escriba igual.

Mis datos: Martina Belén Ferreyra, DNI 33.218.774, CUIT 27-33218774-5. Cuenta sueldo con CBU 0170 1234 5000 0045 6789 01 (no la quiero cambiar). Celu [[PHONE|@@phone:p051:AR:m:intl:911@@]], mail [[EMAIL|martu.ferreyra@fibertel.com.ar]].

Ya di de baja la tarjeta desde Home Banking el 12/03 a las 22:14. Quiero que anulen el consumo y el IVA e intereses que generó.
### h15-052
¿Me explicás esta factura? No entiendo qué es el CAE ni el punto de venta.

FACTURA B  N° 00004-00012874
Fecha de emisión: 14/03/2025
Razón social: Ferretería El Tornillo de Caballito SRL — CUIT 30-71234567-8
Domicilio: Av. Rivadavia 5120, C1424CEP CABA
Condición frente al IVA: Responsable Inscripto | IIBB 901-123456-7 | Inicio de actividades 01/08/2018
Cliente: Consumidor Final
3 x Taladro percutor 13 mm  $ 89.990,00   $ 269.970,00
1 x Juego de mechas         $ 12.345,50
Importe total: $ 282.315,50
CAE N°: 75112345678912   Fecha de Vto. de CAE: 24/03/2025
### h15-053
Estimada Sra. Contreras:

Adjunto mi currículum para el cargo de Ingeniera de Procesos (aviso Laborum N° 1077432). Mis datos de contacto:

Nombre: Camila Andrea Soto Valdivia
RUT: 17.654.321-K
Fecha de nacimiento: [[DATE_OF_BIRTH|22-06-1991]]
Nacionalidad: chilena
Teléfono: [[PHONE|@@phone:p053:CL:m:intl:9:9@@]]
Correo: [[EMAIL|camila.soto.valdivia@gmail.com]]
Dirección: Pasaje Los Aromos 2231, Villa Alemana, Región de Valparaíso

Pretensión de renta: $1.850.000 líquidos. Disponibilidad inmediata. Licencia de conducir clase B.

Saludos cordiales,
Camila Soto V.

(¿Puedes mejorar la redacción de esta carta?)
### h15-054
Resúmeme el estado de estos envíos para mi tienda:

1) Chilexpress OT 991182745503 — Santiago → Concepción — "En reparto" 15/03/2025 10:22
2) Starken N° 1034587712 — retiro en sucursal Antofagasta, plazo hasta 22/03/2025
3) Blue Express orden BX-250314-0098 — entregado 14/03 18:05 a "conserje"
Total despachos de la semana: CLP $24.990 + $18.500 + $7.990 = $51.480
Boleta electrónica N° 458921, folio SII aprobado, IVA $8.219
Comuna de origen: Ñuñoa, código postal 7750000
### h15-055
Hola, ayúdame a escribirle a mi sobrino que no comparta estas cosas por WhatsApp 😅 Mira lo que me mandó:

"Tía, para que me pases la plata por Yape mi número es [[PHONE|@@phone:p055:PE:m:nat:98@@]]. Y si no funciona entra a mi BCP con mi DNI 72458813 y la clave de internet es [[SECRET|Cusco2025!]], la tarjeta es la que termina en 4417. El código de Yape de ayer era 512 que ya venció. Son S/ 350.00 para la matrícula de la universidad, vence el 20/03. Gracias tía 🙏"

Quiero un mensaje cariñoso pero firme.
### h15-056
Explícame los campos de esta boleta, es mi primer trabajo como independiente en Arequipa:

BOLETA DE VENTA ELECTRÓNICA B001-00012345
RUC emisor: 20601234567 — Inversiones Misti E.I.R.L.
Fecha: 14/03/2025   Moneda: Soles
Cliente: DNI 44556677 — cliente varios
Cant. 2 — Menú ejecutivo — P.U. S/ 15.00 — S/ 30.00
Cant. 1 — Chicha morada 1 L — S/ 8.50
Op. gravada: S/ 32.63  IGV 18%: S/ 5.87  Total: S/ 38.50
Representación impresa de la Boleta Electrónica. Consulte en www.sunat.gob.pe
Código hash: Qm9sZXRhQjAwMQ==
### h15-057
Chat de atendimento — Banco Cerrado Azul

Cliente: Oi, fiz um Pix de R$ 2.380,00 para o número errado ontem às 19h40. Dá pra estornar?
Atendente Lívia: Olá! Vou te ajudar. Qual era a chave Pix certa e qual foi a chave usada?
Cliente: A certa era o celular da minha mãe, [[PHONE|@@phone:p057:BR:m:nat:11:11@@]]. Eu digitei a chave e-mail dela errada, [[EMAIL|cleide.nogueira61@uol.com.br]], e foi pra outra pessoa. Meu CPF é 123.456.789-09 se precisar.
Atendente Lívia: Entendi. Abri uma solicitação pelo MED (Mecanismo Especial de Devolução), protocolo 20250315-0448812. O ID da transação é E60701190202503141940DY5S0X1P2Q3.
Cliente: Ok. Ah, e o cartão novo chegou, posso já cadastrar? É o [[CREDIT_CARD|@@card:c057:mc:spaced@@]]
Atendente Lívia: Por segurança, não envie o número do cartão pelo chat. Cadastre pelo app.
### h15-058
Pode conferir se esse comprovante Pix é verdadeiro? A pessoa diz que já pagou o aluguel.

Comprovante de transferência Pix
Valor: R$ 1.234,56
Data: 15/03/2025 às 09:17:42
De: J*** S*** P*** — CPF ***.456.789-**
Instituição: Nu Pagamentos S.A. — ISPB 18236120
Para: Imobiliária Lar Doce Lar Ltda — CNPJ 12.345.678/0001-95
Chave Pix: CNPJ
ID da transação: E18236120202503151217s0a1b2c3d4e
Autenticação: 7A3F-91C2-0BDE-4457
Descrição: aluguel março apto 302, vencimento 10/03
Ouvidoria 0800 608 6236
### h15-059
Galera, alguém me ajuda? O deploy do backend da fintech quebrou depois do merge:

```python
# config/settings/prod.py
DATABASES = {"default": dj_database_url.parse(
    "[[URL_CREDENTIALS|postgres://cofrinho_app:@@pw:pg059:22@@@db-prod.cofrinho.internal:5432/cofrinho]]")}
OPENAI_API_KEY = "[[SECRET|@@openai:o059@@]]"
PIX_WEBHOOK_SECRET = "[[SECRET|@@hex:pw059:40@@]]"
ALLOWED_HOSTS = ["api.cofrinho.com.br"]
```

O erro: `psycopg2.OperationalError: connection to server at "[[IP_ADDRESS|10.0.12.87]]", port 5432 failed: timeout expired`. Estamos no Django 5.0.3, gunicorn 21.2.0, região sa-east-1.
### h15-060
Esse workflow do GitHub Actions está seguro? Não quero vazar nada no log.

```yaml
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-24.04
    environment: producao
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/gh-deploy
          aws-region: sa-east-1
      - run: ./scripts/migrate.sh
        env:
          DATABASE_URL: ${{ secrets.DATABASE_URL }}
          PIX_CLIENT_SECRET: ${{ secrets.PIX_CLIENT_SECRET }}
      - run: echo "versão ${GITHUB_SHA::7} publicada às $(date +%H:%M)"
```
### h15-061
Subject: URGENT — payouts failing on our Jumia-linked store

Hello Paystack Support,

Since Friday our transfers to vendors fail with "Invalid key". We are a small fashion store in Yaba (merchant ID 1187342, business name Adunni Couture Ltd, RC 1923847).

Our developer left, so here is what is in the server config, abeg check if it is correct:
PAYSTACK_SECRET_KEY=[[SECRET|@@paystack:ps061@@]]
PAYSTACK_PUBLIC_KEY=pk_live_••••••••••••3f2a

Failed transfer references: TRF_8k2lq9zj1x, TRF_0m4nd7pq3c (₦45,000.00 and ₦128,500.00). Settlement account is GTBank 0123456789 (NUBAN).

Please call me on [[PHONE|@@phone:p061:NG:m:nat:803@@]] or reply to [[EMAIL|adunni.couture@gmail.com]]. We have Jumia orders 318872104 and 318872255 waiting.

Thank you,
Adunni Bakare
### h15-062
Abeg explain these alerts for my mum, she thinks she has been debited twice:

Acct: 01******89
Amt: NGN45,000.00 DR
Desc: POS/WEB PMT SHOPRITE IKEJA REF 000012345678
Avail Bal: NGN312,441.18
Date: 14-MAR-2025 17:42

Acct: 01******89
Amt: NGN45,000.00 CR
Desc: REVERSAL SHOPRITE IKEJA REF 000012345678
Date: 15-MAR-2025 09:03

Also: "Your OTP for NIP transfer is 839104. Do not disclose. Expires in 5 mins" (received Friday). To check balance she dials *737*6*1#. GTBank contact centre 0700 482 666 328.
### h15-063
CURRICULUM VITAE

PERSONAL DATA
Name: Chukwuemeka Obinna Nwankwo
Date of Birth: [[DATE_OF_BIRTH|23rd October 1994]]
State of Origin: Anambra   LGA: Njikoka
Marital Status: Single
Phone: [[PHONE|@@phone:p063:NG:m:intl:806@@]]
Email: [[EMAIL|emeka.nwankwo94@yahoo.com]]
NIN: 12345678901 (available on request)

EDUCATION
B.Eng Electrical/Electronic Engineering, UNIZIK, Second Class Upper (2012–2017)
WAEC SSCE 2011, Exam No. 4250107034

NYSC: Completed 2019, Certificate No. A003412876, PPA: Kaduna Electric

EXPERIENCE
Field Engineer, Ikeja Electric (2019–date): metering, 33/11 kV substations, reduced ATC&C losses by 4.2%.

Please help me make this CV more modern for a UK Skilled Worker application.
### h15-064
Please summarise this letter for my brother in simple English:

JOINT ADMISSIONS AND MATRICULATION BOARD
2025 UTME — Notice of Examination

Registration Number: 20250187634KD
Examination Town: Kaduna
Centre: JAMB CBT Centre 214, Barnawa
Date: 24/04/2025   Session: 3 (1:00 pm)
Subjects: Use of English, Mathematics, Physics, Chemistry
Profile code and e-PIN must not be shared. Sample e-PIN format shown on the website: 0000000000.
Fee paid: ₦6,200.00 (RRR 2104-5587-9921)
Candidates must arrive 1 hour before, with printed slip. Biometric verification compulsory.
### h15-065
Habari, naomba msaada kuandika malalamiko kwa Safaricom kwa Kiingereza. Hii ndiyo hali:

Jana tarehe 14/03/2025 saa 8:15 usiku nilituma Ksh 6,500 kwa namba isiyo sahihi. Code ya M-PESA ni SCE4K7H2LQ. Nilitakiwa kutuma kwa fundi wangu lakini nikakosea tarakimu moja.

Namba yangu ya M-PESA: [[PHONE|@@phone:p065:KE:m:nat:722@@]]
Namba ya fundi (sahihi): [[PHONE|@@phone:p065b:KE:m:intl:711@@]]
Kitambulisho (ID): 28841937
Tarehe ya kuzaliwa (walipouliza kwa uthibitisho): [[DATE_OF_BIRTH|14/02/1989]]

Nilipiga 100 wakaniambia nisubiri saa 48. Reversal request ilikuwa na reference RV-250314-8812. Sitaki pesa ipotee, ni ya kodi ya nyumba.
### h15-066
Can you turn these M-PESA messages into a small expense table (date, amount, to, cost)?

SCE4L2M9XQ Confirmed. Ksh1,250.00 sent to KPLC PREPAID for account 54201234567 on 12/3/25 at 3:45 PM. New M-PESA balance is Ksh4,321.00. Transaction cost, Ksh13.00.

SCF1N8P3TA Confirmed. Ksh850.00 paid to NAIVAS KILIMANI. Till 512873 on 13/3/25 at 11:02 AM. New M-PESA balance is Ksh3,471.00.

SCG7Q2R5WB Confirmed. Ksh2,000.00 sent to JOHN K*** 0722***456 on 14/3/25 at 6:30 PM. Transaction cost, Ksh29.00.

Paybill 247247 account 0712XXXXXX for Equity, Fuliza limit Ksh5,000.
### h15-067
Our Django app in Nairobi gets "Invalid Access Token" from Daraja STK Push in production. Can you check this settings file? (Sorry, real values — I'll rotate them after.)

```python
MPESA_ENV = "production"
MPESA_SHORTCODE = "4127856"
MPESA_CONSUMER_KEY = "[[SECRET|@@alnum:ck067:48@@]]"
MPESA_CONSUMER_SECRET = "[[SECRET|@@alnum:cs067:64@@]]"
MPESA_PASSKEY = "[[SECRET|@@hex:pk067:64@@]]"
MPESA_CALLBACK_URL = "https://[[IP_ADDRESS|41.90.64.182]]:8443/api/mpesa/callback/"
```

Sample failing request: CheckoutRequestID ws_CO_15032025142230871712345678, MerchantRequestID 29115-34620561-1, amount 1 KES. Timestamp 20250315142230.
### h15-068
I'm following the Daraja sandbox tutorial. Which of these values are safe to keep in the repo?

```python
MPESA_ENV = "sandbox"
MPESA_SHORTCODE = "174379"              # Safaricom's public test paybill
MPESA_CONSUMER_KEY = os.environ["MPESA_CONSUMER_KEY"]
MPESA_CONSUMER_SECRET = os.environ["MPESA_CONSUMER_SECRET"]
MPESA_PASSKEY = "<paste-sandbox-passkey-from-portal>"
MPESA_TEST_MSISDN = "2547XXXXXXXX"
MPESA_CALLBACK_URL = "https://example.ngrok-free.app/api/mpesa/callback/"
STK_TIMEOUT_SECONDS = 60
```

The tutorial also shows a response like `{"ResponseCode": "0", "CheckoutRequestID": "ws_CO_000000000000000000"}` and a sample till number 600000.
### h15-069
Subject: Claim 2025/HC/004871 — outstanding documents

Dear Mr. Mokoena,

Thank you for your hospital claim (admission 02/03/2025, Netcare Milpark, account R 48 312,60). To finalise, we still need the theatre report.

We confirm the member details on file:
Main member: Thabo Mokoena, ID 8905305123087
Date of birth: [[DATE_OF_BIRTH|1989/05/30]]
Membership no.: 220418773 (Plan: Classic Saver)
Cell: [[PHONE|@@phone:p069:ZA:m:nat:82@@]]
Email: [[EMAIL|thabo.mokoena@webmail.co.za]]

Your case manager is Lerato Dlamini, direct line [[PHONE|@@phone:p069l:ZA:f:nat:21@@]] ext. 214. Please upload documents before 31/03/2025 quoting the claim number. Our client service centre 0860 100 871 is open weekdays 08:00–17:00.

Kind regards,
Claims Department
### h15-070
Help me check this City of Johannesburg bill; it seems too high for a 2-bedroom flat:

Account number: 554412873
Statement date: 05/03/2025   Due date: 25/03/2025
Property: ERF 4421, Unit 12 Rosebank Mews, 2196
Electricity (prepaid meter 04271298834): token purchase only
Water 18 kL: R 512,40
Sewerage: R 301,77
Refuse: R 328,00
Rates: R 1 092,39
Total due: R 2 234,56
Reference for EFT: 554412873. Pay at any Pick n Pay till. Queries: 0860 562 874 (joburg connect).
Load-shedding stage 2 schedule block 14 attached.
### h15-071
Our PayFast ITN notifications are failing signature validation. Here's the handler config (from our Cape Town shop):

```php
<?php
return [
    'merchant_id'  => '10284513',
    'merchant_key' => '@@alnum:mk071:13@@',
    'passphrase'   => '[[SECRET|Fynbos-Koeksister-2025]]',
    'sandbox'      => false,
    'notify_url'   => 'https://shop.fynbosfinds.co.za/payfast/itn',
    'valid_hosts'  => ['www.payfast.co.za', 'w1w.payfast.co.za', 'w2w.payfast.co.za'],
];
```

ITN source address in the log was [[IP_ADDRESS|197.97.145.149]] and pf_payment_id 1843277. Amount R 1 250,00, m_payment_id ORD-2025-00412. PHP 8.2.17.
### h15-072
Can you explain why this k8s NetworkPolicy blocks traffic from our Johannesburg office?

```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-office
  namespace: billing
spec:
  podSelector:
    matchLabels:
      app: billing-api
      version: "2.14.0"
  ingress:
    - from:
        - ipBlock:
            cidr: 196.25.0.0/16
            except:
              - 196.25.10.0/24
      ports:
        - protocol: TCP
          port: 8080
```

Service listens on 0.0.0.0:8080, probe hits 127.0.0.1:8080/healthz every 10s.
### h15-073
ممكن تساعدني أكتب رسالة رسمية للبنك بالإنجليزي؟ دي البيانات:

أنا اسمي محمود سامي عبد الحميد، عميل في البنك التجاري الدولي فرع مصر الجديدة.
عايز أحول مصاريف الجامعة لابني في ألمانيا، وعايز أغير الحساب اللي بيتحول منه للحساب ده:
رقم الحساب الدولي (IBAN): [[IBAN|@@iban:i073:EG@@]]
الرقم القومي: 28503120101234
الموبايل: [[PHONE|@@phone:p073:EG:m:nat:10:10@@]]
المبلغ: 4,750 يورو، والرسوم الدراسية لازم توصل قبل 31/03/2025.
رقم الطلب عند خدمة العملاء كان 250315-44781 ورقم الخط الساخن 19666.
### h15-074
اشرحلي الإيصالات دي، مش فاهم إيه الفرق بين رقم العملية والرقم المرجعي:

فوري — إيصال دفع
الخدمة: فاتورة كهرباء شمال القاهرة
رقم الاشتراك: 4110230987
المبلغ: 612.50 ج.م + رسوم خدمة 5.00 ج.م
الرقم المرجعي: 9982145730
رقم العملية: 1120457
التاريخ: 15/03/2025 14:02

فودافون كاش: تم تحويل 1,000 جنيه إلى 010****4412. رقم العملية 005148822190. رصيدك الحالي 2,314.75 جنيه. للشكاوى اتصل 7001 أو *9#
### h15-075
Bonjour, pouvez-vous corriger le français de ce mail pour le consulat ?

Objet : Demande de rendez-vous — visa court séjour (Schengen)

Madame, Monsieur,
Je m'appelle Youssef El Amrani, né le [[DATE_OF_BIRTH|12/04/1993]] à Fès. Je souhaite déposer une demande de visa court séjour pour assister au salon SIAL à Paris du 19 au 23 octobre 2025.
N° de passeport : UZ4587213 (expire le 08/2031) — CIN : CD412873
Référence TLScontact : MAcas2fr-25031577841
Téléphone : [[PHONE|@@phone:p075:MA:m:intl:66@@]]
E-mail : [[EMAIL|youssef.elamrani93@menara.ma]]
Mon employeur, la société Atlas Agro SARL (ICE 001523874000019), prend en charge les frais.
Veuillez agréer mes salutations distinguées.
### h15-076
Salam, 3afak t9ed tkhtasar liya had l-message b l'anglais:

Jumia Maroc — Votre commande 358812743 a été expédiée
Montant : 1 250,00 DH (paiement à la livraison)
Livraison prévue : 18/03/2025 entre 9h et 18h
Point relais : Jumia Pickup Station Maarif, Casablanca 20330
N° de suivi : JMA-LM-0048127754
Article : Moulinex Blender LM2421 — garantie 12 mois
Colis : 1 (poids 2,3 kg)
Service client : 05 22 00 00 00 — ou chat dans l'application.
### h15-077
أحتاج أرسل بياناتي لقسم الموارد البشرية عشان يحولون الراتب، ممكن تصيغها بشكل رسمي بالإنجليزي؟

الاسم: عبدالله فهد القحطاني
رقم الهوية: 1087654321
الرقم الوظيفي: EMP-22871
البنك: مصرف الراجحي
الآيبان: [[IBAN|@@iban:i077:SA:80:spaced@@]]
الجوال: [[PHONE|@@phone:p077:SA:m:nat:55@@]]
البريد: [[EMAIL|a.alqahtani@outlook.sa]]
الراتب الأساسي: 14,500 ريال + بدل سكن 3,625 ريال
تاريخ المباشرة: 01/09/1446 هـ
وتأكد إن رقم الآيبان مكتوب صح لأنه أول مرة أستخدم هذا الحساب.
### h15-078
لخص لي هذه الرسائل في جدول (الجهة، المبلغ، الموعد):

أبشر: تم حجز موعد في إدارة المرور بالرياض يوم الأحد 23/03/2025 الساعة 9:30 ص، رقم الحجز 44128733.
STC: فاتورتك لشهر مارس 287.50 ريال، رقم الحساب 1012845573، تاريخ الاستحقاق 30/03/2025. سداد: رمز المفوتر 002.
الكهرباء: رقم الحساب 30012874410 المبلغ المستحق 1,084.20 ر.س
بنك: عملية شراء عبر مدى بطاقة **** 8841 بمبلغ 96.00 ر.س من جرير — الرصيد 12,340.15 ر.س
رمز التحقق 5512 لا تشاركه مع أحد (هذه رسالة قديمة منتهية الصلاحية).
للاستفسار: 199099
### h15-079
Subject: Tenancy — Apt 1408, Marina Pinnacle, Dubai Marina

Hi Ms. Fernandes,

Please find below my details for the Ejari and the security deposit refund from my previous flat:

Name: Rohan Mehta
Emirates ID: 784-1990-4521873-2
Mobile (UAE): [[PHONE|@@phone:p079:AE:m:zz:50@@]]
Email: [[EMAIL|rohan.mehta.dxb@gmail.com]]
Refund IBAN (Emirates NBD): [[IBAN|@@iban:i079:AE:026@@]]

Annual rent AED 98,000 in 4 cheques (cheque nos. 000145–000148, first dated 01/04/2025). DEWA premise no. 6820014451, Ejari fee AED 220. Parking bay B2-117, car plate Dubai P 45219.

Thanks,
Rohan
### h15-080
Is this DEWA bill normal for a 1BR in JLT in March? Please break it down:

Account number: 2045518873
Premise number: 3812774410
Bill date: 10/03/2025   Due date: 31/03/2025
Electricity: 612 kWh — AED 198.90
Water: 7.21 thousand IG — AED 251.70
Fuel surcharge: AED 41.22
Sewerage (Dubai Municipality): AED 28.10
Housing fee (5% of annual rent AED 76,000 / 12): AED 316.67
VAT 5%: AED 13.50
Total: AED 850.09
Pay via DEWA app or at Emirates NBD ATMs. Emergency 991. Customer care 04 601 9999.
### h15-081
[Telegram — فريق الباك إند]

سارة: الـ bot ما يرد من الصبح، شيكت الـ logs؟
Omar: yes, token was revoked? هذا اللي في الـ config حالياً:
```
TELEGRAM_BOT_TOKEN=[[SECRET|@@telegram:tg081@@]]
DB_URL=[[URL_CREDENTIALS|mysql://souq_admin:@@pw:my081:14@@@db.souqdxb.internal:3306/souq]]
```
سارة: لا تحط الأسرار هنا يا عمر 🙃 وهذا الـ token اللي في الـ request اللي فشل:
Authorization: Bearer [[JWT|@@jwt:j081:RS256@@]]
Omar: exp خلص؟ iat مكتوب بتوقيت UTC، احنا +04:00. الـ request id كان req_9f2a71c4 والـ build 1.9.3
سارة: تمام، خلّي نعمل rotate بعد الـ standup الساعة 10:30
### h15-082
Why does this nginx config return 403 for our office in Abu Dhabi?

```nginx
upstream app {
    server 127.0.0.1:3000 max_fails=3 fail_timeout=10s;
    keepalive 32;
}
server {
    listen 0.0.0.0:443 ssl http2;
    server_name portal.example.ae;
    ssl_protocols TLSv1.2 TLSv1.3;
    allow 10.40.0.0/16;
    allow 94.200.0.0/14;
    deny all;
    client_max_body_size 25m;
    location / { proxy_pass http://app; proxy_read_timeout 60s; }
}
```
nginx/1.24.0, OpenSSL 3.0.13. Our office egress is in the 94.200.x.x range per the ISP.
### h15-083
Merhaba, bankaya göndereceğim bu dilekçeyi daha resmi hale getirir misin?

Sayın Yetkili,
Trendyol üzerinden 12.03.2025 tarihinde verdiğim 1.249,90 TL tutarlı siparişim (sipariş no. 812774210) iptal edildiği halde iade hesabıma yatmadı. İadenin aşağıdaki hesaba yapılmasını rica ederim.

Ad Soyad: Elif Şahin Yıldız
T.C. Kimlik No: 24187365042
Doğum tarihi: [[DATE_OF_BIRTH|07.11.1985]]
IBAN: [[IBAN|@@iban:i083:TR:000620:spaced@@]]
Cep: [[PHONE|@@phone:p083:TR:m:nat:532@@]]
E-posta: [[EMAIL|elif.sahin.yildiz@hotmail.com.tr]]

Kart ekstresinde görünen işlem referansı 508812447731, provizyon no. 044127.
Saygılarımla,
Elif Şahin Yıldız — İzmir, 35220
### h15-084
Bu kargo bildirimlerini tabloya dökebilir misin?

Trendyol: 812774210 numaralı siparişin Trendyol Express ile yola çıktı. Takip no: 7330012874412. Tahmini teslim 17 Mart.
Yurtiçi Kargo: Gönderi kodu 104512887733, alıcı Ş*** Y***, teslimat şubesi Bornova, 35040.
Hepsiburada: Sipariş HBV00004512873, tutar ₺3.499,00 (KDV dahil, %20 KDV ₺583,17), 6 taksit x ₺583,17.
e-Devlet: Vergi borcu sorgusu — MTV 2025 1. taksit ₺2.184,00, son ödeme 31.01.2025 (ödendi).
Doğrulama kodunuz 553107 — bu kod 3 dakika geçerlidir (dün geldi, süresi doldu).
Müşteri hizmetleri: 0850 333 0 333.
### h15-085
Abi şu config'e bak, iyzico ödeme alamıyoruz production'da. Hata: "api bilgileri bulunamadı".

```js
// config/payments.js
module.exports = {
  iyzico: {
    apiKey: "[[SECRET|@@alnum:iz085:32@@]]",
    secretKey: "[[SECRET|@@alnum:izs085:32@@]]",
    uri: "https://api.iyzipay.com",
  },
  redis: "[[URL_CREDENTIALS|redis://:@@urlsafe:rd085:18@@@10.8.0.21:6379/2]]",
  currency: "TRY",
  installmentMax: 9,
};
```

Bir de sunucu IP'si [[IP_ADDRESS|185.86.152.47]] iyzico panelinde tanımlı mı emin değilim. Sipariş no. TY-250315-0098, tutar ₺1.249,90, conversationId 123456789.
### h15-086
Bu docker-compose dosyasında güvenlik açısından sorun var mı?

```yaml
services:
  web:
    image: registry.gitlab.com/anadolu-kahve/shop:5.2.0
    env_file: .env
    environment:
      IYZICO_API_KEY: ${IYZICO_API_KEY}
      IYZICO_SECRET_KEY: ${IYZICO_SECRET_KEY}
      IYZICO_URI: https://sandbox-api.iyzipay.com
      REDIS_URL: redis://redis:6379/0
    ports: ["8080:8080"]
  redis:
    image: redis:7.2-alpine
    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:?set it}"]
```

`.env` dosyası `.gitignore`'da var; README'deki örnek değerler `sandbox-xxxxxxxxxxxxxxxxxxxxxxxx`.
### h15-087
תוכל לתרגם לאנגלית את המייל הזה לבעל הבית? תודה!

שלום אבי,
העברתי את שכר הדירה לחודש אפריל (6,200 ₪) ואת הפיקדון (12,400 ₪). אם משהו לא עבר, אלה הפרטים שלי להחזר:
שם: נועה בן-דוד
ת"ז: 034512876
IBAN: [[IBAN|@@iban:i087:IL:012@@]]
נייד: [[PHONE|@@phone:p087:IL:m:nat:52@@]]
מייל: [[EMAIL|noa.bendavid@walla.co.il]]
אסמכתא של ההעברה: 88127745, תאריך ערך 15/03/2025.
החוזה מתחיל ב-1.4.2025 ל-12 חודשים, רחוב הרצל 42 דירה 7, תל אביב 6578902.
נועה
### h15-088
תסביר לי את החשבונית הזאת בבקשה:

חשבונית מס / קבלה מס' 30871
תאריך: 14/03/2025
עוסק מורשה: 515512874 — מאפיית לחם הארץ בע"מ
לקוח: משרד ר.ש. הנדסה, ח.פ. 512334871
30 × לחמניות מלא — 2.90 ₪ — 87.00 ₪
5 × עוגת שמרים — 42.00 ₪ — 210.00 ₪
סה"כ לפני מע"מ: 297.00 ₪
מע"מ 17%: 50.49 ₪
סה"כ לתשלום: 347.49 ₪
שולם בכרטיס אשראי המסתיים ב-4412, מס' אישור 0812774
מספר הקצאה: 202503141234567
### h15-089
Hey, quick code review please — our Tel Aviv team's alerting script stopped posting to Slack:

```python
SLACK_WEBHOOK = "[[SECRET|@@slackhook:sh089@@]]"
AWS_ACCESS_KEY_ID = "[[SECRET|@@akia:a089@@]]"
AWS_SECRET_ACCESS_KEY = "[[SECRET|@@awssecret:as089@@]]"
BASTION = "[[IP_ADDRESS|10.112.4.9]]"

def alert(msg: str) -> None:
    requests.post(SLACK_WEBHOOK, json={"text": f":rotating_light: {msg}"}, timeout=5)
```

It runs on the bastion via cron `*/5 * * * *`, boto3 1.34.69, and the error is `404 no_team`. Could the webhook have been revoked when the workspace moved to Enterprise Grid (org id E04ABCD1234)?
### h15-090
Explain these AWS credential settings from the official docs — are the values in the example real?

```ini
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = il-central-1

[profile ci]
role_arn = arn:aws:iam::123456789012:role/ci-deployer
source_profile = default
mfa_serial = arn:aws:iam::123456789012:mfa/ci-user
duration_seconds = 3600
```

The page also shows a session token as `AQoDYXdzEJr...<remainder of security token>` and `aws sts get-caller-identity` output with UserId AIDASAMPLEUSERID.
### h15-091
Hi! Please help me organize this into a clean checklist for our I-130 petition (my sister-in-law in Cebu):

Petitioner (me): Maria Lourdes Santos-Reyes, US citizen since 2019
SSN: [[US_SSN|@@ssn:s091@@]]
DOB: [[DATE_OF_BIRTH|1979-06-18]]
US phone: [[PHONE|@@phone:p091:US:m:intl:415@@]]
Email: [[EMAIL|malou.santosreyes@comcast.net]]

Beneficiary: Jennelyn Santos Dela Cruz, born [[DATE_OF_BIRTH|March 3, 1990]] in Mandaue City
PH mobile: [[PHONE|@@phone:p091b:PH:m:intl:927@@]]
Passport: P4512873B (exp 2031)
Joint sponsor (my husband) SSN [[US_SSN|@@ssn:s091b@@]] for the I-864.

Filing fee $675 paid online, USCIS receipt IOE0912345678. PSA birth certificate copy requested 10 Mar 2025, PSA ref no. 2025-0310-88712.
### h15-092
Pakisimplify nga ito para sa Lola ko, interview niya sa US Embassy:

Appointment Confirmation — U.S. Embassy Manila
Applicant: DELA CRUZ, ROSARIO
Visa class: B1/B2
Date/Time: April 8, 2025 — 7:30 AM (arrive 15 minutes early only)
Location: 1201 Roxas Boulevard, Ermita, Manila
Appointment confirmation no.: 55012874
DS-160 confirmation no.: AA00F4K2L9
MRV fee receipt: 0412287731 (USD 185, PHP 10,730 paid at BPI)
Bring: passport, this page, 1 photo 2x2 in, old visa if any.
Do not bring gadgets; bag deposit ₱300. Call centre for rescheduling: (632) 7987 1200 (Mon–Fri).
### h15-093
Ayúdame a escribir una carta en inglés para el IRS, es para corregir mi nombre en el W-2.

Mis datos:
Nombre: José Guadalupe Hernández Ríos (en el W-2 salió "Jose G. Hernandez")
Número de Seguro Social: [[US_SSN|@@ssn:s093@@]]
Fecha de nacimiento: [[DATE_OF_BIRTH|8 de mayo de 1984]]
Domicilio: 2231 E. Cesar Chavez Ave, Apt 4, Los Angeles, CA 90033
Teléfono: [[PHONE|@@phone:p093:US:m:nat:213@@]]
Teléfono de mi esposa en Michoacán: [[PHONE|@@phone:p093b:MX:m:intl:443@@]]
Empleador: Brisa Landscaping LLC, EIN 95-4123877
Año fiscal 2024, salario $41,280.00, retención federal $3,112.00

También tengo mi CURP HERJ840508HMNRSS09 por si la necesito para el consulado.
### h15-094
¿Puedes revisar estos comprobantes de envío de dinero a Guatemala y México y decirme cuánto pagué de comisión en total?

Remitly — Recibo de transferencia R2025031500874
Enviado: USD 500.00 | Tipo de cambio 1 USD = 20.1450 MXN | Recibe: MXN 10,072.50
Comisión: USD 3.99 | Entrega: depósito a cuenta BBVA terminación 4412 | 15/03/2025 10:42 PT

Western Union — MTCN 412-887-7310
Enviado: USD 300.00 | Comisión USD 8.00 | Recibe: GTQ 2,298.60 (1 USD = 7.6620 GTQ)
Pagado en Banrural, Quetzaltenango, 15/03/2025

Para seguimiento, el número de cliente de Remitly es 88127745 y el código de recogida (ejemplo del folleto) es 0000-000-000.
### h15-095
카카오 로그인 붙이는 중인데 KOE101 에러가 나요. 설정 좀 봐주세요 🙏

```properties
# application-prod.properties
spring.security.oauth2.client.registration.kakao.client-id=[[SECRET|@@hex:kk095:32@@]]
spring.security.oauth2.client.registration.kakao.client-secret=[[SECRET|@@alnum:kks095:32@@]]
spring.security.oauth2.client.registration.naver.client-id=@@alnum:nv095:20@@
spring.security.oauth2.client.registration.naver.client-secret=[[SECRET|@@alnum:nvs095:10@@]]
spring.security.oauth2.client.registration.kakao.redirect-uri=https://api.dalbit.kr/login/oauth2/code/kakao
server.port=8080
```

로그: `2025-03-15 14:22:30.871 WARN 4127 --- [nio-8080-exec-3] o.s.s.o.c.w.OAuth2LoginAuthenticationFilter : invalid_client from [[IP_ADDRESS|211.249.220.24]]` Spring Boot 3.2.4입니다.
### h15-096
로그 분석 좀 해주세요. 배포 후 응답이 느려졌어요.

```
2025-03-15 09:00:01.002 INFO  [main] Starting DalbitApiApplication v3.2.4 using Java 21.0.2 with PID 4127
2025-03-15 09:00:03.415 INFO  [main] HikariPool-1 - Start completed. maxPoolSize=20
2025-03-15 09:12:44.871 WARN  [nio-8080-exec-7] 주문 2025031500871 처리 지연 3,412ms (userId=u_8f1c2a, 결제금액 128,000원)
2025-03-15 09:12:45.102 INFO  [nio-8080-exec-7] 택배 송장 6891-2245-7730 발급, 우편번호 06236
2025-03-15 09:13:02.550 ERROR [scheduler-1] 정산 배치 실패: timeout 30000ms (batchId=SETTLE-20250314)
```
Redis 7.2.4, 0.0.0.0:6379 바인딩, GC pause 평균 212ms입니다.
### h15-097
السلام عليكم، عندي مشكلة في الـ checkout بتاع المتجر، Flutterwave بيرجع 401 Unauthorized. ده الكود:

```ts
// src/lib/payments.ts
export const flw = new Flutterwave(
  "FLWPUBK-@@hex:fpub097:32@@-X",
  "[[SECRET|@@flw:fs097@@]]",
);
export const MAPS_KEY = "[[SECRET|@@aiza:gm097@@]]";
```

والـ request اللي فشل كان فيه الهيدر ده:
`Authorization: Bearer [[JWT|@@jwt:j097@@]]`

الـ tx_ref بتاعه ORD-EG-250315-0412 بمبلغ 1,250.00 EGP، والسيرفر في القاهرة على [[IP_ADDRESS|156.214.88.31]]. نسخة flutterwave-node-v3 هي 1.1.9.
### h15-098
Is this README snippet for our Lagos checkout SDK safe to publish?

## Quick start
```bash
export FLW_PUBLIC_KEY="FLWPUBK_TEST-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X"
export FLW_SECRET_KEY="FLWSECK_TEST-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X"
export FLW_ENCRYPTION_KEY="<your-encryption-key>"
```
Use the test card `5531 8866 5214 2950`, CVV `564`, expiry `09/32`, PIN `3310` and OTP `12345` from the Flutterwave testing docs. Amounts are in kobo-free naira, e.g. `amount: 7500` for ₦7,500. Webhook hash is read from `process.env.FLW_WEBHOOK_HASH`. Requires Node ≥ 18 and version 2.4.0 of the SDK.
### h15-099
Subject: Grab support — wrong charge on my Amex after ride cancelled

Hi Grab team,

On 14 Mar 2025 at 11:48 pm I booked a GrabCar from KLCC to Bangsar South (booking ID A-7K2QH8XWZ4PM). Driver cancelled after 12 minutes, but RM38.40 was still charged to my card [[CREDIT_CARD|@@card:c099:amex:spaced@@]] and RM5.00 cancellation fee on top.

Please refund to the same card. My details:
Name: Tan Wei Ling
Registered mobile: [[PHONE|@@phone:p099:MY:m:intl:16@@]]
Email: [[EMAIL|weiling.tan@streamyx.com.my]]

Previous case no. 25031500874112. I also attach the bank SMS (approval code 428871, merchant ID GRAB*MY 000012874).

Thanks,
Wei Ling
### h15-100
Tolong summarise this Grab receipt in English for my claim form:

Your GrabFood receipt
Booking ID: A-8M3RJ9YXA5QN
Date: 15 Mar 2025, 1:12 pm
Restaurant: Nasi Kandar Pelita (Jalan Ampang)
Delivered to: Menara Ilham, 50450 Kuala Lumpur
Subtotal RM42.80 | Delivery fee RM4.50 | Platform fee RM0.50 | GrabRewards −RM3.00
Total RM44.80 — paid by Visa •••• 4412
Driver: Ahmad F., Honda Wave, plate WXY 4512
GrabRewards points earned: 89
Need help? Go to Help Centre in the app.
