<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AmountConfirmPanel</name>
    <message>
        <source>Is %1 right? Check it with the customer.</source>
        <translation>%1 でよろしいですか？ お客様とご確認ください。</translation>
    </message>
    <message>
        <source>Large amount: press Enter again to charge it</source>
        <translation>高額です: もう一度 Enter で請求します</translation>
    </message>
    <message>
        <source>Correct the amount (Esc)</source>
        <translation>金額を直す (Esc)</translation>
    </message>
    <message>
        <source>Charge this amount (Enter)</source>
        <translation>この金額で請求 (Enter)</translation>
    </message>
</context>
<context>
    <name>ApprovedPanel</name>
    <message>
        <source>Approval code: %1</source>
        <translation>承認番号: %1</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>承認されました</translation>
    </message>
</context>
<context>
    <name>AuditTab</name>
    <message>
        <source>Verify the audit log</source>
        <translation>監査ログを検証</translation>
    </message>
    <message>
        <source>Each entry holds the hash of the one before: any edit, deletion or reordering breaks the chain.</source>
        <translation>各記録は直前の記録のハッシュを持っています。書き換え・削除・並べ替えがあると連鎖が切れます。</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <source>Checking every entry…</source>
        <translation>すべての記録を確認中…</translation>
    </message>
    <message>
        <source>✔ The audit log is intact: %1 entries, last hash %2.</source>
        <translation>✔ 監査ログは改ざんされていません: %1 件、最新ハッシュ %2。</translation>
    </message>
    <message>
        <source>✖ The audit log was tampered with at entry %1 (%2): %3. Keep this register&apos;s journal and call IT.</source>
        <translation>✖ 監査ログの記録 %1 が改ざんされています (%2): %3。このレジのジャーナルを保全し、IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>The audit log could not be read: %1</source>
        <translation>監査ログを読めませんでした: %1</translation>
    </message>
</context>
<context>
    <name>AuthorizingPanel</name>
    <message>
        <source>Cancelling: the wallet&apos;s answer will be reversed. Nothing will be charged.</source>
        <translation>取消中: ウォレットの応答は取り消されます。請求は発生しません。</translation>
    </message>
    <message>
        <source>Asking the wallet… %1</source>
        <translation>ウォレットに問い合わせ中… %1</translation>
    </message>
    <message>
        <source>Authorizing</source>
        <translation>承認処理中</translation>
    </message>
</context>
<context>
    <name>AwaitingCodePanel</name>
    <message>
        <source>⚠ Code read. The wallet cannot be reached, so the code is kept and sent as soon as the wallet is back. Nothing has been charged yet. To stop, press Cancel (Esc).</source>
        <translation>⚠ コードを読み取りました。ウォレットに接続できないため、コードを保持し、接続が戻りしだい送ります。まだ請求はされていません。中止するには取消 (Esc) を押してください。</translation>
    </message>
    <message>
        <source>Scan the customer&apos;s payment code</source>
        <translation>お客様の支払いコードを読み取ってください</translation>
    </message>
    <message>
        <source>Hold the code in the camera frame or use the handheld scanner. If it will not scan, type it in (F2).</source>
        <translation>コードをカメラの枠に合わせるか、ハンディスキャナーで読み取ってください。読み取れない場合は番号を入力します (F2)。</translation>
    </message>
    <message>
        <source>Type the code (F2)</source>
        <translation>番号を入力 (F2)</translation>
    </message>
</context>
<context>
    <name>Camera</name>
    <message>
        <source>Starting the camera…</source>
        <translation>カメラを起動しています…</translation>
    </message>
    <message>
        <source>Camera ready.</source>
        <translation>カメラの準備ができました。</translation>
    </message>
    <message>
        <source>No camera found. Use the handheld scanner, or type the code (F2).</source>
        <translation>カメラが見つかりません。ハンディスキャナーを使うか、番号を入力してください (F2)。</translation>
    </message>
    <message>
        <source>Another program is using the camera. Use the handheld scanner, or type the code (F2).</source>
        <translation>別のプログラムがカメラを使用中です。ハンディスキャナーを使うか、番号を入力してください (F2)。</translation>
    </message>
    <message>
        <source>The camera stopped sending pictures. Retrying…</source>
        <translation>カメラの映像が止まりました。再接続しています…</translation>
    </message>
    <message>
        <source>The video has ended.</source>
        <translation>動画が終わりました。</translation>
    </message>
    <message>
        <source>The camera starts when a sale waits for a code.</source>
        <translation>支払いコード待ちになるとカメラが起動します。</translation>
    </message>
</context>
<context>
    <name>CashierWindow</name>
    <message>
        <source>No receipt: nothing was printed.</source>
        <translation>レシート不要: 何も印刷していません。</translation>
    </message>
    <message>
        <source>Printing the last receipt again…</source>
        <translation>直前のレシートを再印刷しています…</translation>
    </message>
    <message>
        <source>REPRINT of sale %1 (%2): printing…</source>
        <translation>再発行: 取引 %1（%2）を印刷しています…</translation>
    </message>
    <message>
        <source>PayTerm register</source>
        <translation>PayTerm レジ</translation>
    </message>
    <message>
        <source>The camera starts when a sale waits for a code.</source>
        <translation>支払いコード待ちになるとカメラが起動します。</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <source>To %1</source>
        <translation>お支払い先: %1</translation>
    </message>
    <message>
        <source>Please show your payment code</source>
        <translation>支払いコードを見せてください</translation>
    </message>
    <message>
        <source>Open your wallet app and hold the code to the register&apos;s camera or scanner.</source>
        <translation>ウォレットアプリを開き、コードをレジのカメラかスキャナーにかざしてください。</translation>
    </message>
    <message>
        <source>One moment, please…</source>
        <translation>少々お待ちください…</translation>
    </message>
    <message>
        <source>The payment is being checked with your wallet.</source>
        <translation>ウォレットにお支払いを確認しています。</translation>
    </message>
    <message>
        <source>Please approve this payment in your wallet app</source>
        <translation>ウォレットアプリでこのお支払いを承認してください</translation>
    </message>
    <message>
        <source>Check the store and the amount before you approve.</source>
        <translation>承認の前にお店と金額をご確認ください。</translation>
    </message>
    <message>
        <source>Please enter your wallet PIN</source>
        <translation>ウォレットの PIN を入力してください</translation>
    </message>
    <message>
        <source>Only dots are shown. Press OK when done.</source>
        <translation>入力は ● で表示されます。終わったら OK を押してください。</translation>
    </message>
    <message>
        <source>Please enter the one-time code</source>
        <translation>ワンタイムコードを入力してください</translation>
    </message>
    <message>
        <source>Your wallet app shows the code. Press OK when done.</source>
        <translation>コードはウォレットアプリに表示されています。終わったら OK を押してください。</translation>
    </message>
    <message>
        <source>Paid. Thank you!</source>
        <translation>お支払いが完了しました。ありがとうございました！</translation>
    </message>
    <message>
        <source>The payment did not go through</source>
        <translation>お支払いできませんでした</translation>
    </message>
    <message>
        <source>Nothing was charged. Please talk to the cashier.</source>
        <translation>請求はされていません。係員にお声がけください。</translation>
    </message>
    <message>
        <source>The payment was cancelled</source>
        <translation>お支払いは取り消されました</translation>
    </message>
    <message>
        <source>Nothing was charged.</source>
        <translation>請求はされていません。</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>いらっしゃいませ</translation>
    </message>
    <message>
        <source>PayTerm customer display</source>
        <translation>PayTerm お客様用画面</translation>
    </message>
</context>
<context>
    <name>DayClose</name>
    <message>
        <source>Approved sales</source>
        <translation>承認された売上</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Cancelled (reversed)</source>
        <translation>取消（返金済み）</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>返金</translation>
    </message>
    <message>
        <source>Voids</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>純売上</translation>
    </message>
    <message>
        <source>Z %1</source>
        <translation>Z %1</translation>
    </message>
    <message>
        <source>business day %1</source>
        <translation>営業日 %1</translation>
    </message>
    <message>
        <source>closed %1 by %2</source>
        <translation>%1 締め（%2）</translation>
    </message>
    <message>
        <source>%1 sale(s), %2 refund(s) or void(s)</source>
        <translation>売上 %1 件、返金・取消 %2 件</translation>
    </message>
    <message>
        <source>sales %1 (%2) to %3 (%4)</source>
        <translation>対象の売上 %1（%2）〜 %3（%4）</translation>
    </message>
    <message>
        <source>Z-report %1</source>
        <translation>Zレポート %1</translation>
    </message>
    <message>
        <source>REPRINT — printed %1</source>
        <translation>再発行 — %1 印刷</translation>
    </message>
    <message>
        <source>Register: %1</source>
        <translation>レジ: %1</translation>
    </message>
    <message>
        <source>Business day: %1 (%2)</source>
        <translation>営業日: %1（%2）</translation>
    </message>
    <message>
        <source>Closed: %1 by %2</source>
        <translation>締め: %1（%2）</translation>
    </message>
    <message>
        <source>First sale: %1 (%2)</source>
        <translation>最初の売上: %1（%2）</translation>
    </message>
    <message>
        <source>Last sale: %1 (%2)</source>
        <translation>最後の売上: %1（%2）</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>No sales in this close.</source>
        <translation>この締めに売上はありません。</translation>
    </message>
</context>
<context>
    <name>DayCloseView</name>
    <message>
        <source>Close the day (Z)</source>
        <translation>締める（Z）</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>Reprint this Z-report (PDF)</source>
        <translation>このZレポートを再発行（PDF）</translation>
    </message>
    <message>
        <source>Z %1 · %2 · %3 sale(s)</source>
        <translation>Z %1 · %2 · 売上 %3 件</translation>
    </message>
    <message>
        <source>No day has been closed on this register yet.</source>
        <translation>このレジではまだ締めていません。</translation>
    </message>
    <message>
        <source>Press again to close %1</source>
        <translation>もう一度押すと %1 を締めます</translation>
    </message>
    <message>
        <source>Closing %1 cannot be undone: its figures are frozen and every later sale belongs to the next business day. Press again to close it.</source>
        <translation>%1 の締めは取り消せません。集計は確定され、これ以降の売上はすべて次の営業日に入ります。締めるにはもう一度押してください。</translation>
    </message>
    <message>
        <source>Closing the business day…</source>
        <translation>営業日を締めています…</translation>
    </message>
    <message>
        <source>✔ Business day %1 closed: Z %2. Sales from now on belong to the next business day.</source>
        <translation>✔ 営業日 %1 を締めました: Z %2。これからの売上は次の営業日に入ります。</translation>
    </message>
    <message>
        <source>(Latest close: Z %1, business day %2, closed %3.)</source>
        <translation>（最後の締め: Z %1、営業日 %2、%3 に締め）</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>保存しました: %1</translation>
    </message>
</context>
<context>
    <name>Decline</name>
    <message>
        <source>The customer&apos;s balance is too low for this amount.</source>
        <translation>お客様の残高がこの金額に足りません。</translation>
    </message>
    <message>
        <source>Ask for another way to pay, or a smaller amount.</source>
        <translation>別のお支払い方法か、より少ない金額をご案内ください。</translation>
    </message>
    <message>
        <source>This amount is over the customer&apos;s payment limit.</source>
        <translation>この金額はお客様の支払い上限を超えています。</translation>
    </message>
    <message>
        <source>Ask for another way to pay, or split the amount.</source>
        <translation>別のお支払い方法か、分割してのお支払いをご案内ください。</translation>
    </message>
    <message>
        <source>The customer&apos;s wallet account is locked.</source>
        <translation>お客様のウォレットアカウントはロックされています。</translation>
    </message>
    <message>
        <source>The customer must contact their wallet. Ask for another way to pay.</source>
        <translation>お客様からウォレット会社へのご連絡が必要です。別のお支払い方法をご案内ください。</translation>
    </message>
    <message>
        <source>The payment code had expired.</source>
        <translation>支払いコードの有効期限が切れていました。</translation>
    </message>
    <message>
        <source>Ask the customer to refresh the code, then charge again.</source>
        <translation>コードを更新していただき、もう一度お会計してください。</translation>
    </message>
    <message>
        <source>The payment code was already used.</source>
        <translation>この支払いコードは使用済みです。</translation>
    </message>
    <message>
        <source>The wallet does not know this payment code.</source>
        <translation>ウォレットがこの支払いコードを認識できません。</translation>
    </message>
    <message>
        <source>The customer&apos;s confirmation failed (wrong PIN or code).</source>
        <translation>お客様の本人確認に失敗しました (PIN またはコードの誤り)。</translation>
    </message>
    <message>
        <source>Charge again, or ask for another way to pay.</source>
        <translation>もう一度お会計するか、別のお支払い方法をご案内ください。</translation>
    </message>
    <message>
        <source>The customer did not confirm in time.</source>
        <translation>お客様の確認が時間内にありませんでした。</translation>
    </message>
    <message>
        <source>Charge again and ask the customer to confirm straight away.</source>
        <translation>もう一度お会計し、すぐに確認していただくようお伝えください。</translation>
    </message>
    <message>
        <source>The customer rejected the payment in their app.</source>
        <translation>お客様がアプリで支払いを拒否しました。</translation>
    </message>
    <message>
        <source>Check the amount with the customer.</source>
        <translation>お客様と金額をご確認ください。</translation>
    </message>
    <message>
        <source>The wallet does not take this currency.</source>
        <translation>このウォレットはこの通貨に対応していません。</translation>
    </message>
    <message>
        <source>Ask for another way to pay.</source>
        <translation>別のお支払い方法をご案内ください。</translation>
    </message>
    <message>
        <source>The payment was cancelled.</source>
        <translation>支払いは取り消されました。</translation>
    </message>
    <message>
        <source>Nothing was charged. Charge again if needed.</source>
        <translation>請求は発生していません。必要ならもう一度お会計してください。</translation>
    </message>
    <message>
        <source>The wallet declined the payment.</source>
        <translation>ウォレットが支払いを拒否しました。</translation>
    </message>
</context>
<context>
    <name>DeclinedPanel</name>
    <message>
        <source>What to do: %1</source>
        <translation>対応: %1</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>支払いできませんでした</translation>
    </message>
</context>
<context>
    <name>EndOfDayTab</name>
    <message>
        <source>Business day</source>
        <translation>営業日</translation>
    </message>
    <message>
        <source>Compare with the wallet</source>
        <translation>ウォレットと照合</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>ジャーナル</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>Differences, charge by charge</source>
        <translation>取引ごとの差異</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV 出力</translation>
    </message>
    <message>
        <source>Comparison (PDF)</source>
        <translation>照合結果 (PDF)</translation>
    </message>
    <message>
        <source>Closing the day</source>
        <translation>締め（Z）</translation>
    </message>
    <message>
        <source>Asking the wallet for its settlement…</source>
        <translation>ウォレットに精算データを問い合わせ中…</translation>
    </message>
    <message>
        <source>✔ Journal and wallet agree: %1 sale(s).</source>
        <translation>✔ ジャーナルとウォレットは一致しています: %1 件。</translation>
    </message>
    <message>
        <source>✖ %1 difference(s) between the journal and the wallet: check each one before closing the day.</source>
        <translation>✖ ジャーナルとウォレットに %1 件の差異があります。締める前にすべて確認してください。</translation>
    </message>
    <message>
        <source>The wallet could not be asked: %1</source>
        <translation>ウォレットに問い合わせできませんでした: %1</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>保存しました: %1</translation>
    </message>
    <message>
        <source>The wallet does not know this sale.</source>
        <translation>ウォレットにこの会計の記録がありません。</translation>
    </message>
    <message>
        <source>The wallet has a charge this register does not know.</source>
        <translation>このレジに記録のない決済がウォレットにあります。</translation>
    </message>
    <message>
        <source>The amount differs between the register and the wallet.</source>
        <translation>レジとウォレットで金額が違います。</translation>
    </message>
    <message>
        <source>The register and the wallet disagree on how this sale ended (for example, cancelled at the wallet).</source>
        <translation>この会計の結果がレジとウォレットで違います (例: ウォレット側で取消済み)。</translation>
    </message>
    <message>
        <source>The refunded amounts differ.</source>
        <translation>返金額が違います。</translation>
    </message>
    <message>
        <source>This sale, or its refund or void, is not finished.</source>
        <translation>この会計、またはその返金・取消が完了していません。</translation>
    </message>
    <message>
        <source>A total differs (see the table above).</source>
        <translation>合計が違います (上の表をご覧ください)。</translation>
    </message>
</context>
<context>
    <name>EnrollPage</name>
    <message>
        <source>Enroll</source>
        <translation>登録</translation>
    </message>
    <message>
        <source>The key is made and registered with the wallet, whose keys are then pinned.</source>
        <translation>鍵を作成してウォレットに登録し、ウォレットの鍵を固定します。</translation>
    </message>
    <message>
        <source>Enroll this register</source>
        <translation>このレジを登録</translation>
    </message>
    <message>
        <source>Enrolling with the wallet…</source>
        <translation>ウォレットに登録中…</translation>
    </message>
    <message>
        <source>Enrolled as %1 at %2 / %3.</source>
        <translation>%2 / %3 の %1 として登録しました。</translation>
    </message>
    <message>
        <source>Device key: %1</source>
        <translation>端末鍵: %1</translation>
    </message>
    <message>
        <source>Wallet key pinned: %1</source>
        <translation>固定したウォレット鍵: %1</translation>
    </message>
    <message>
        <source>This register already had a manager PIN: it was kept.</source>
        <translation>このレジには責任者 PIN が既にあるため、そのまま使います。</translation>
    </message>
    <message>
        <source>This is a test wallet: no real money.</source>
        <translation>テスト用ウォレットです。実際のお金は動きません。</translation>
    </message>
    <message>
        <source>Not enrolled: %1</source>
        <translation>登録できませんでした: %1</translation>
    </message>
</context>
<context>
    <name>EnrollmentWizard</name>
    <message>
        <source>Set up this register</source>
        <translation>レジの初期設定</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 戻る</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>次へ &gt;</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完了</translation>
    </message>
</context>
<context>
    <name>EntryPanel</name>
    <message>
        <source>At most %1 digits: the largest sale at this register is %2.</source>
        <translation>入力できるのは %1 桁までです。このレジの 1 回の上限は %2 です。</translation>
    </message>
    <message>
        <source>%1 is more than this register may charge in one sale (at most %2). Check the amount; a manager can change the limit.</source>
        <translation>%1 はこのレジで 1 回に請求できる金額を超えています (上限 %2)。金額をご確認ください。上限は店長が変更できます。</translation>
    </message>
    <message>
        <source>Enter the amount</source>
        <translation>金額を入力してください</translation>
    </message>
    <message>
        <source>Type the amount, then press Charge (Enter).</source>
        <translation>金額を入力して「お会計」(Enter) を押してください。</translation>
    </message>
    <message>
        <source>Charge (Enter)</source>
        <translation>お会計 (Enter)</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The wallet cannot be reached. Check the network, then try again.</source>
        <translation>ウォレットにつながりません。ネットワークを確認してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The wallet is busy or down. Try again in a minute.</source>
        <translation>ウォレットが混雑しているか停止しています。1 分ほどしてからもう一度お試しください。</translation>
    </message>
    <message>
        <source>The wallet&apos;s answer could not be trusted. Try again; if it repeats, call IT.</source>
        <translation>ウォレットの応答を信頼できませんでした。もう一度お試しください。続く場合は IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>The wallet refused this register&apos;s signature. Check the clock; if it repeats, call IT.</source>
        <translation>ウォレットがこのレジの署名を拒否しました。時計を確認してください。続く場合は IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>The wallet refused the request.</source>
        <translation>ウォレットが要求を拒否しました。</translation>
    </message>
    <message>
        <source>The wallet could not be asked. Try again.</source>
        <translation>ウォレットに問い合わせできませんでした。もう一度お試しください。</translation>
    </message>
    <message>
        <source>Type the amount in digits, for example 1200.</source>
        <translation>金額は数字で入力してください (例: 1200)。</translation>
    </message>
    <message>
        <source>No sale matches. Check the reference.</source>
        <translation>該当する会計がありません。番号をご確認ください。</translation>
    </message>
    <message>
        <source>Several sales match. Choose the sale in the history.</source>
        <translation>複数の会計が該当します。履歴から会計を選んでください。</translation>
    </message>
    <message>
        <source>This is not allowed for this sale.</source>
        <translation>この会計ではこの操作はできません。</translation>
    </message>
    <message>
        <source>This PIN is not allowed: use 4 to 12 digits, not all the same digit.</source>
        <translation>この PIN は使えません。4〜12 桁の数字で、すべて同じ数字にはしないでください。</translation>
    </message>
    <message>
        <source>A manager PIN is already set.</source>
        <translation>店長 PIN はすでに設定されています。</translation>
    </message>
    <message>
        <source>The manager PIN could not be changed.</source>
        <translation>店長 PIN を変更できませんでした。</translation>
    </message>
    <message>
        <source>The settings could not be read. Call IT.</source>
        <translation>設定を読み込めませんでした。IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>The journal could not be read or written. Call IT.</source>
        <translation>取引記録を読み書きできませんでした。IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>A file could not be read or written. Check the disk, or call IT.</source>
        <translation>ファイルを読み書きできませんでした。ディスクを確認するか、IT 担当者に連絡してください。</translation>
    </message>
    <message>
        <source>Something went wrong. Try again; if it repeats, call IT.</source>
        <translation>問題が発生しました。もう一度お試しください。続く場合は IT 担当者に連絡してください。</translation>
    </message>
</context>
<context>
    <name>FinalPanel</name>
    <message>
        <source>Next sale (Enter)</source>
        <translation>次のお会計 (Enter)</translation>
    </message>
    <message>
        <source>No receipt</source>
        <translation>レシート不要</translation>
    </message>
</context>
<context>
    <name>HistoryTab</name>
    <message>
        <source>From / to (store day)</source>
        <translation>期間 (店舗の営業日)</translation>
    </message>
    <message>
        <source>e.g. 1200</source>
        <translation>例: 1200</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>Last 4 digits of the code</source>
        <translation>コードの下 4 桁</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>取引番号</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>コード</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>Open the selected sale</source>
        <translation>選択した取引を開く</translation>
    </message>
    <message>
        <source>Not an amount: %1</source>
        <translation>金額ではありません: %1</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>検索中…</translation>
    </message>
    <message numerus="yes">
        <source>%n sale(s) found.</source>
        <translation>
            <numerusform>%n 件見つかりました。</numerusform>
        </translation>
    </message>
    <message>
        <source>The journal could not be read: %1</source>
        <translation>ジャーナルを読めませんでした: %1</translation>
    </message>
</context>
<context>
    <name>InDoubtPanel</name>
    <message>
        <source>Checking the payment with the wallet</source>
        <translation>ウォレットに支払い結果を確認中</translation>
    </message>
    <message>
        <source>The wallet&apos;s answer did not arrive. Do not charge again: the register is asking the wallet and will cancel the payment if there is still no answer when the time runs out.</source>
        <translation>ウォレットからの応答が届きませんでした。もう一度お会計しないでください。レジがウォレットに確認中で、時間内に応答がなければ支払いを取り消します。</translation>
    </message>
</context>
<context>
    <name>JournalNotice</name>
    <message>
        <source>PayTerm register</source>
        <translation>PayTerm レジ</translation>
    </message>
    <message>
        <source>This register cannot take payments</source>
        <translation>このレジでは支払いを受け付けられません</translation>
    </message>
    <message>
        <source>Its records were written by a newer version of PayTerm (journal version %1; this version reads %2).</source>
        <translation>記録が新しいバージョンの PayTerm で書き込まれています（ジャーナルのバージョン %1、このバージョンが読めるのは %2 まで）。</translation>
    </message>
    <message>
        <source>Please call IT, and take payments another way until then.</source>
        <translation>IT 担当者に連絡してください。それまでは別の方法でお支払いを受けてください。</translation>
    </message>
    <message>
        <source>IT: install the newer PayTerm again, or stop the register and restore the backup made before the upgrade: %1</source>
        <translation>IT 担当者の方へ：新しいバージョンの PayTerm を入れ直すか、レジを止めてアップグレード前のバックアップを戻してください：%1</translation>
    </message>
</context>
<context>
    <name>KeyStorePage</name>
    <message>
        <source>Device key</source>
        <translation>端末鍵</translation>
    </message>
    <message>
        <source>The register signs every payment with its own key. Where does it live?</source>
        <translation>レジはすべての支払いに自分の鍵で署名します。鍵の保管場所を選んでください。</translation>
    </message>
    <message>
        <source>An encrypted key file on this register</source>
        <translation>このレジ内の暗号化された鍵ファイル</translation>
    </message>
    <message>
        <source>A PKCS#11 token (TPM or USB HSM): the key never leaves it</source>
        <translation>PKCS#11 トークン (TPM または USB HSM): 鍵は外に出ません</translation>
    </message>
    <message>
        <source>PKCS#11 module</source>
        <translation>PKCS#11 モジュール</translation>
    </message>
    <message>
        <source>Token label</source>
        <translation>トークンのラベル</translation>
    </message>
    <message>
        <source>Token user PIN</source>
        <translation>トークンのユーザー PIN</translation>
    </message>
    <message>
        <source>The token PIN is used for this enrollment only. At every start the register reads it from PAYTERM_PKCS11_PIN or /etc/payterm/pkcs11-pin (set by IT).</source>
        <translation>トークン PIN はこの登録にだけ使います。起動時には PAYTERM_PKCS11_PIN または /etc/payterm/pkcs11-pin (IT 担当者が設定) から読み込みます。</translation>
    </message>
</context>
<context>
    <name>ManagerDialog</name>
    <message>
        <source>History</source>
        <translation>取引履歴</translation>
    </message>
    <message>
        <source>End of day</source>
        <translation>締め処理</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>レジ</translation>
    </message>
    <message>
        <source>Manager mode</source>
        <translation>責任者モード</translation>
    </message>
</context>
<context>
    <name>ManagerLabels</name>
    <message>
        <source>authorizing</source>
        <translation>承認待ち</translation>
    </message>
    <message>
        <source>step-up</source>
        <translation>追加認証中</translation>
    </message>
    <message>
        <source>in doubt</source>
        <translation>結果不明</translation>
    </message>
    <message>
        <source>reversing</source>
        <translation>取消中</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>承認</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>reversed</source>
        <translation>取消済み</translation>
    </message>
    <message>
        <source>void asked</source>
        <translation>取消を依頼</translation>
    </message>
    <message>
        <source>void in doubt</source>
        <translation>取消の結果不明</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>取消済み</translation>
    </message>
    <message>
        <source>void refused</source>
        <translation>取消が拒否されました</translation>
    </message>
    <message>
        <source>refund asked</source>
        <translation>返金を依頼</translation>
    </message>
    <message>
        <source>refund in doubt</source>
        <translation>返金の結果不明</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>返金済み</translation>
    </message>
    <message>
        <source>refund refused</source>
        <translation>返金が拒否されました</translation>
    </message>
    <message>
        <source>reversal refund asked</source>
        <translation>取消返金を依頼</translation>
    </message>
    <message>
        <source>reversal refund in doubt</source>
        <translation>取消返金の結果不明</translation>
    </message>
    <message>
        <source>reversal refunded</source>
        <translation>取消返金済み</translation>
    </message>
    <message>
        <source>reversal refund refused</source>
        <translation>取消返金を拒否</translation>
    </message>
    <message>
        <source>partly refunded</source>
        <translation>一部返金済み</translation>
    </message>
    <message>
        <source>given back by the register</source>
        <translation>レジが返金済み</translation>
    </message>
    <message>
        <source>Only an approved sale can be given back.</source>
        <translation>承認された売上のみ返金できます。</translation>
    </message>
    <message>
        <source>Nothing is left to give back on this sale.</source>
        <translation>この売上に返金できる残高はありません。</translation>
    </message>
    <message>
        <source>That is more than is left to refund on this sale.</source>
        <translation>この売上の返金可能額を超えています。</translation>
    </message>
    <message>
        <source>The amount is not in the sale&apos;s currency.</source>
        <translation>金額の通貨が売上と異なります。</translation>
    </message>
    <message>
        <source>Enter an amount above zero.</source>
        <translation>0より大きい金額を入力してください。</translation>
    </message>
    <message>
        <source>This sale has refunds, so it cannot be voided: refund what is left instead.</source>
        <translation>返金済みのため取消できません。残りを返金してください。</translation>
    </message>
    <message>
        <source>A void is only possible on the day of the sale: refund it instead.</source>
        <translation>取消は売上当日のみ可能です。返金してください。</translation>
    </message>
    <message>
        <source>A refund or void of this sale is still being settled.</source>
        <translation>この売上の返金または取消が処理中です。</translation>
    </message>
    <message>
        <source>This business day is already closed. Sales from now on belong to the next business day.</source>
        <translation>この営業日はすでに締めています。これからの売上は次の営業日に入ります。</translation>
    </message>
    <message>
        <source>A later business day is already closed, so this day cannot be closed after it.</source>
        <translation>これより後の営業日をすでに締めているため、この日は締められません。</translation>
    </message>
    <message>
        <source>This business day has not begun. Choose today or an earlier day.</source>
        <translation>この営業日はまだ始まっていません。今日かそれより前の日を選んでください。</translation>
    </message>
    <message>
        <source>A sale, refund or void is still waiting for the wallet. Wait until it has finished, then close the day.</source>
        <translation>ウォレットの応答を待っている売上・返金・取消があります。終わるのを待ってから締めてください。</translation>
    </message>
    <message>
        <source>sale started</source>
        <translation>取引開始</translation>
    </message>
    <message>
        <source>wallet answered</source>
        <translation>ウォレットの応答</translation>
    </message>
    <message>
        <source>payment asked by the POS</source>
        <translation>POS から支払いを依頼</translation>
    </message>
    <message>
        <source>payment stopped by the POS</source>
        <translation>POS が支払いを中止</translation>
    </message>
    <message>
        <source>POS payment ended without a charge</source>
        <translation>POS の支払いは請求なしで終了</translation>
    </message>
    <message>
        <source>refund or void asked by the POS</source>
        <translation>POS から返金・取消を依頼</translation>
    </message>
    <message>
        <source>POS refund or void refused</source>
        <translation>POS の返金・取消を拒否</translation>
    </message>
    <message>
        <source>wallet answered the refund/void</source>
        <translation>ウォレットが返金/取消に応答</translation>
    </message>
    <message>
        <source>manager signed in</source>
        <translation>責任者がサインイン</translation>
    </message>
    <message>
        <source>manager PIN refused</source>
        <translation>責任者 PIN が拒否されました</translation>
    </message>
    <message>
        <source>manager mode locked</source>
        <translation>責任者モードをロック</translation>
    </message>
    <message>
        <source>manager PIN set</source>
        <translation>責任者 PIN を設定</translation>
    </message>
    <message>
        <source>manager PIN reset by IT</source>
        <translation>IT担当が責任者PINをリセット</translation>
    </message>
    <message>
        <source>settings changed</source>
        <translation>設定を変更</translation>
    </message>
    <message>
        <source>end of day</source>
        <translation>締め処理</translation>
    </message>
    <message>
        <source>business day closed (Z)</source>
        <translation>営業日の締め（Z）</translation>
    </message>
    <message>
        <source>customer declined a receipt</source>
        <translation>お客様がレシート不要</translation>
    </message>
    <message>
        <source>recovery started</source>
        <translation>復旧を開始</translation>
    </message>
    <message>
        <source>recovery finished</source>
        <translation>復旧が完了</translation>
    </message>
    <message>
        <source>audit log signed from here on</source>
        <translation>ここから監査ログに署名</translation>
    </message>
    <message>
        <source>device key replaced</source>
        <translation>端末鍵を交換</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>店長</translation>
    </message>
    <message>
        <source>register</source>
        <translation>レジ</translation>
    </message>
    <message>
        <source>cashier</source>
        <translation>レジ係</translation>
    </message>
    <message>
        <source>enrollment</source>
        <translation>登録</translation>
    </message>
    <message>
        <source>IT</source>
        <translation>IT 担当者</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>デモ</translation>
    </message>
    <message>
        <source>POS software</source>
        <translation>POS ソフト</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>コマンドライン</translation>
    </message>
    <message>
        <source>amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>返金額</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>取引番号</translation>
    </message>
    <message>
        <source>code</source>
        <translation>コード</translation>
    </message>
    <message>
        <source>wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>approval code</source>
        <translation>承認番号</translation>
    </message>
    <message>
        <source>charge ID</source>
        <translation>決済 ID</translation>
    </message>
    <message>
        <source>now</source>
        <translation>現在</translation>
    </message>
    <message>
        <source>before</source>
        <translation>変更前</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>differences</source>
        <translation>差異の件数</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>tries left</source>
        <translation>残り回数</translation>
    </message>
    <message>
        <source>until</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>by</source>
        <translation>実施者</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>変更した項目</translation>
    </message>
    <message>
        <source>what</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>decline reason</source>
        <translation>お支払い不可の理由</translation>
    </message>
    <message>
        <source>error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation>追加認証</translation>
    </message>
    <message>
        <source>wallet reference</source>
        <translation>ウォレット側の番号</translation>
    </message>
    <message>
        <source>wrong PINs in a row</source>
        <translation>連続して間違えた回数</translation>
    </message>
    <message>
        <source>file type</source>
        <translation>ファイルの種類</translation>
    </message>
    <message>
        <source>for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>checked by</source>
        <translation>確認した所</translation>
    </message>
    <message>
        <source>PIN kept by</source>
        <translation>PIN の保管先</translation>
    </message>
    <message>
        <source>file</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Z number</source>
        <translation>Z番号</translation>
    </message>
    <message>
        <source>sales</source>
        <translation>売上件数</translation>
    </message>
    <message>
        <source>refunds and voids</source>
        <translation>返金・取消</translation>
    </message>
    <message>
        <source>wrong PIN</source>
        <translation>PIN の間違い</translation>
    </message>
    <message>
        <source>no manager PIN set</source>
        <translation>店長 PIN が未設定</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>ロック中</translation>
    </message>
    <message>
        <source>a refund</source>
        <translation>返金</translation>
    </message>
    <message>
        <source>a void</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>asked</source>
        <translation>依頼済み</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>in the wallet app</source>
        <translation>ウォレットアプリで承認</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>one-time code</source>
        <translation>ワンタイムコード</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>comparison (PDF)</source>
        <translation>照合結果 (PDF)</translation>
    </message>
    <message>
        <source>the wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>opening manager mode</source>
        <translation>責任者モードを開く</translation>
    </message>
    <message>
        <source>a PIN change</source>
        <translation>PIN の変更</translation>
    </message>
    <message>
        <source>refused by the wallet</source>
        <translation>ウォレットが拒否</translation>
    </message>
    <message>
        <source>no manager PIN was given</source>
        <translation>責任者 PIN の入力なし</translation>
    </message>
    <message>
        <source>the PIN entry was not for this request</source>
        <translation>この操作のための PIN 入力ではありません</translation>
    </message>
    <message>
        <source>wrong manager PIN</source>
        <translation>責任者 PIN の誤り</translation>
    </message>
    <message>
        <source>manager actions locked</source>
        <translation>責任者の操作はロック中</translation>
    </message>
    <message>
        <source>not a PIN</source>
        <translation>PIN ではありません</translation>
    </message>
    <message>
        <source>the wallet agrees</source>
        <translation>ウォレットと一致</translation>
    </message>
    <message>
        <source>the wallet does not agree</source>
        <translation>ウォレットと不一致</translation>
    </message>
    <message>
        <source>first PIN</source>
        <translation>最初の PIN</translation>
    </message>
    <message>
        <source>the cashier cancelled</source>
        <translation>レジ係が取消</translation>
    </message>
</context>
<context>
    <name>ManagerPinDialog</name>
    <message>
        <source>Manager</source>
        <translation>責任者</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>責任者 PIN</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認中…</translation>
    </message>
    <message numerus="yes">
        <source>Wrong PIN. %n more tries before manager mode locks.</source>
        <translation>
            <numerusform>PIN が違います。あと %n 回間違えると責任者モードがロックされます。</numerusform>
        </translation>
    </message>
    <message>
        <source>No manager PIN is set for this register at the wallet. IT sets it with a reset code: `payterm manager-pin reset`.</source>
        <translation>このレジの責任者 PIN はウォレットに設定されていません。IT 担当者がリセットコードで設定します（`payterm manager-pin reset`）。</translation>
    </message>
    <message>
        <source>The wallet could not be reached, so the PIN was not checked. Try again in a moment.</source>
        <translation>ウォレットに接続できないため、PIN を確認できませんでした。しばらくしてからもう一度お試しください。</translation>
    </message>
    <message>
        <source>The wallet did not accept this PIN entry. Enter the PIN again.</source>
        <translation>ウォレットがこの PIN 入力を受け付けませんでした。もう一度 PIN を入力してください。</translation>
    </message>
    <message>
        <source>The PIN could not be checked: %1</source>
        <translation>PIN を確認できませんでした: %1</translation>
    </message>
    <message>
        <source>Manager mode is open again: enter the PIN.</source>
        <translation>責任者モードのロックが解除されました。PIN を入力してください。</translation>
    </message>
    <message>
        <source>Too many wrong PINs: manager mode is locked for %1.</source>
        <translation>PIN の誤りが多すぎるため、責任者モードはあと %1 ロックされます。</translation>
    </message>
</context>
<context>
    <name>ManagerPinPage</name>
    <message>
        <source>Manager PIN</source>
        <translation>責任者 PIN</translation>
    </message>
    <message>
        <source>Manager mode (history, refunds, end of day, settings) asks for this PIN.</source>
        <translation>責任者モード (取引履歴・返金・締め処理・設定) ではこの PIN を使います。</translation>
    </message>
    <message>
        <source>New PIN (4 to 12 digits)</source>
        <translation>新しい PIN (4〜12 桁)</translation>
    </message>
    <message>
        <source>New PIN again</source>
        <translation>新しい PIN (確認)</translation>
    </message>
    <message>
        <source>The two PINs differ.</source>
        <translation>2 つの PIN が一致しません。</translation>
    </message>
</context>
<context>
    <name>ManualEntryDialog</name>
    <message>
        <source>Type the payment code</source>
        <translation>支払いコードを入力</translation>
    </message>
    <message>
        <source>Type the digits shown under the customer&apos;s code, then press Enter.</source>
        <translation>お客様のコードの下に表示された番号を入力し、Enter を押してください。</translation>
    </message>
    <message>
        <source>Use this code</source>
        <translation>このコードを使う</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
</context>
<context>
    <name>PhoneNotes</name>
    <message>
        <source>everyday customer: approves small payments at once</source>
        <translation>普段のお客様: 少額はすぐに承認</translation>
    </message>
    <message>
        <source>low balance</source>
        <translation>残高不足</translation>
    </message>
    <message>
        <source>account locked: every charge declines account_locked</source>
        <translation>口座ロック中: すべての支払いが account_locked で断られます</translation>
    </message>
    <message>
        <source>always asks to confirm in the wallet app</source>
        <translation>毎回ウォレットアプリでの承認を求めます</translation>
    </message>
    <message>
        <source>always asks for the PIN</source>
        <translation>毎回 PIN を求めます</translation>
    </message>
    <message>
        <source>always asks for the one-time code shown in the wallet app</source>
        <translation>毎回ウォレットアプリのワンタイムコードを求めます</translation>
    </message>
    <message>
        <source>never paid here: the first payment asks for a step-up</source>
        <translation>この店での支払いは初めて: 最初の支払いで追加認証を求めます</translation>
    </message>
</context>
<context>
    <name>PhoneWindow</name>
    <message>
        <source>%1 · balance %2</source>
        <translation>%1 · 残高 %2</translation>
    </message>
    <message>
        <source>The code changes in %1</source>
        <translation>コードの更新まで %1</translation>
    </message>
    <message>
        <source>Show this code to the register.</source>
        <translation>このコードをレジに見せてください。</translation>
    </message>
    <message>
        <source>Pay to: %1</source>
        <translation>お支払い先: %1</translation>
    </message>
    <message>
        <source>this store</source>
        <translation>このお店</translation>
    </message>
    <message>
        <source>Approve this payment?</source>
        <translation>このお支払いを承認しますか？</translation>
    </message>
    <message>
        <source>Tell the cashier this code:
%1</source>
        <translation>このコードをレジ係に伝えてください:
%1</translation>
    </message>
    <message>
        <source>Enter your PIN at the register.
(demo PIN %1)</source>
        <translation>レジで PIN を入力してください。
(デモの PIN %1)</translation>
    </message>
    <message>
        <source>PayTerm Sandbox wallet</source>
        <translation>PayTerm サンドボックス ウォレット</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>承認</translation>
    </message>
</context>
<context>
    <name>RecentSales</name>
    <message>
        <source>Approved</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>お支払い不可</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>取消済み</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近のお会計</translation>
    </message>
</context>
<context>
    <name>RegisterTab</name>
    <message>
        <source>Language / 言語</source>
        <translation>言語 / Language</translation>
    </message>
    <message>
        <source>Change the manager PIN</source>
        <translation>責任者 PIN の変更</translation>
    </message>
    <message>
        <source>Current PIN</source>
        <translation>現在の PIN</translation>
    </message>
    <message>
        <source>New PIN (4 to 12 digits)</source>
        <translation>新しい PIN (4〜12 桁)</translation>
    </message>
    <message>
        <source>New PIN again</source>
        <translation>新しい PIN (確認)</translation>
    </message>
    <message>
        <source>Change the PIN</source>
        <translation>PIN を変更</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>サインアウト</translation>
    </message>
    <message>
        <source>Close PayTerm</source>
        <translation>PayTerm を終了</translation>
    </message>
    <message>
        <source>The two new PINs differ.</source>
        <translation>新しい PIN が一致しません。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>変更できませんでした: %1</translation>
    </message>
    <message>
        <source>The manager PIN was changed.</source>
        <translation>責任者 PIN を変更しました。</translation>
    </message>
    <message>
        <source>Too many wrong PINs: manager mode is locked.</source>
        <translation>PIN の誤りが多すぎるため、責任者モードをロックしました。</translation>
    </message>
    <message>
        <source>The current PIN is wrong: the PIN was not changed.</source>
        <translation>現在の PIN が違います。PIN は変更されていません。</translation>
    </message>
</context>
<context>
    <name>Reject</name>
    <message>
        <source>This is not a payment code.</source>
        <translation>これは支払いコードではありません。</translation>
    </message>
    <message>
        <source>%1 is not accepted at this register.</source>
        <translation>%1 はこのレジではご利用いただけません。</translation>
    </message>
    <message>
        <source>This code was already used. Ask the customer to refresh it.</source>
        <translation>このコードは使用済みです。お客様にコードの更新をお願いしてください。</translation>
    </message>
    <message>
        <source>The code could not be read cleanly. Scan it again.</source>
        <translation>コードを正しく読み取れませんでした。もう一度読み取ってください。</translation>
    </message>
    <message>
        <source>Enter the amount first, then scan the code.</source>
        <translation>先に金額を入力してから、コードを読み取ってください。</translation>
    </message>
    <message>
        <source>A payment is in progress: finish or cancel it first.</source>
        <translation>支払い処理中です。完了するか取り消してください。</translation>
    </message>
    <message>
        <source>This wallet</source>
        <translation>このウォレット</translation>
    </message>
</context>
<context>
    <name>ReversedPanel</name>
    <message>
        <source>Cancelled: nothing was charged</source>
        <translation>取消済み: 請求はありません</translation>
    </message>
    <message>
        <source>The payment was cancelled at the wallet. Charge again if needed.</source>
        <translation>ウォレットで支払いが取り消されました。必要ならもう一度お会計してください。</translation>
    </message>
</context>
<context>
    <name>ReversingPanel</name>
    <message>
        <source>Cancelling the payment at the wallet…</source>
        <translation>ウォレットで支払いを取り消し中…</translation>
    </message>
    <message>
        <source>Nothing will be charged. Please wait until the wallet confirms.</source>
        <translation>請求は発生しません。ウォレットの確認までお待ちください。</translation>
    </message>
</context>
<context>
    <name>SaleDetailDialog</name>
    <message>
        <source>Sale %1</source>
        <translation>取引 %1</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>経過</translation>
    </message>
    <message>
        <source>Give money back</source>
        <translation>返金・取消</translation>
    </message>
    <message>
        <source>Void the sale (same day only)</source>
        <translation>取引を取り消す (当日のみ)</translation>
    </message>
    <message>
        <source>empty: all that is left</source>
        <translation>空欄: 残額すべて</translation>
    </message>
    <message>
        <source>Refund amount</source>
        <translation>返金額</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>返金</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>コード</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>取引番号</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>決済 ID</translation>
    </message>
    <message>
        <source>Approval code</source>
        <translation>承認番号</translation>
    </message>
    <message>
        <source>Left to refund</source>
        <translation>返金可能残額</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>拒否理由</translation>
    </message>
    <message>
        <source>Not possible now: %1</source>
        <translation>現在できません: %1</translation>
    </message>
    <message>
        <source>Void %1 of sale %2? Enter the manager PIN to confirm.</source>
        <translation>取引 %2 の %1 を取り消しますか? 責任者 PIN を入力して確定してください。</translation>
    </message>
    <message>
        <source>Not an amount: %1</source>
        <translation>金額ではありません: %1</translation>
    </message>
    <message>
        <source>Only %1 is left to refund on this sale.</source>
        <translation>この取引で返金できるのは残り %1 だけです。</translation>
    </message>
    <message>
        <source>Refund %1 of sale %2? Enter the manager PIN to confirm.</source>
        <translation>取引 %2 から %1 を返金しますか? 責任者 PIN を入力して確定してください。</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>実行できませんでした: %1</translation>
    </message>
    <message>
        <source>This sale was already voided: nothing was sent again.</source>
        <translation>この取引は既に取り消されています。再送はしていません。</translation>
    </message>
    <message>
        <source>Voided: %1.</source>
        <translation>取り消しました: %1。</translation>
    </message>
    <message>
        <source>Refunded: %1.</source>
        <translation>返金しました: %1。</translation>
    </message>
    <message>
        <source>The wallet refused: %1</source>
        <translation>ウォレットが拒否しました: %1</translation>
    </message>
    <message>
        <source>No clear answer from the wallet: it is asked again with the same key at the next start. Do not give the money back another way.</source>
        <translation>ウォレットから明確な応答がありません。次回起動時に同じキーで再度問い合わせます。別の方法で返金しないでください。</translation>
    </message>
</context>
<context>
    <name>SecretPad</name>
    <message>
        <source>OK (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>Register name</source>
        <translation>レジ名</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>Currency (ISO 4217)</source>
        <translation>通貨 (ISO 4217)</translation>
    </message>
    <message>
        <source>Kiosk mode (full screen)</source>
        <translation>キオスクモード (全画面)</translation>
    </message>
    <message>
        <source>Customer display (second screen)</source>
        <translation>お客様用画面 (2 台目のモニター)</translation>
    </message>
    <message>
        <source>Largest amount per sale (minor units)</source>
        <translation>1 回の会計の上限額 (最小単位、円なら円)</translation>
    </message>
    <message>
        <source>Ask to confirm amounts above (minor units)</source>
        <translation>確認を求める金額 (これを超えると再確認、最小単位)</translation>
    </message>
    <message>
        <source>Camera (index or device)</source>
        <translation>カメラ (番号またはデバイス)</translation>
    </message>
    <message>
        <source>Camera resolution</source>
        <translation>カメラ解像度</translation>
    </message>
    <message>
        <source>Camera frames per second</source>
        <translation>カメラのフレームレート</translation>
    </message>
    <message>
        <source>Serial scanner port</source>
        <translation>シリアルスキャナーのポート</translation>
    </message>
    <message>
        <source>Handheld scanner key gap (ms)</source>
        <translation>ハンドスキャナーのキー間隔 (ms)</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>レシートプリンター</translation>
    </message>
    <message>
        <source>Printer host (network)</source>
        <translation>プリンターのホスト (ネットワーク)</translation>
    </message>
    <message>
        <source>Printer port (network)</source>
        <translation>プリンターのポート (ネットワーク)</translation>
    </message>
    <message>
        <source>Printer serial port</source>
        <translation>プリンターのシリアルポート</translation>
    </message>
    <message>
        <source>Printer file or device</source>
        <translation>プリンターのファイルまたはデバイス</translation>
    </message>
    <message>
        <source>Characters per line</source>
        <translation>1 行の文字数</translation>
    </message>
    <message>
        <source>Print a customer copy</source>
        <translation>お客様控えを印刷</translation>
    </message>
    <message>
        <source>Charge answer timeout (s)</source>
        <translation>決済応答のタイムアウト (秒)</translation>
    </message>
    <message>
        <source>Manager sign-out after idle (s)</source>
        <translation>無操作で自動サインアウト (秒)</translation>
    </message>
    <message>
        <source>No receipt printer</source>
        <translation>レシートプリンターなし</translation>
    </message>
    <message>
        <source>USB receipt printer</source>
        <translation>USB レシートプリンター</translation>
    </message>
    <message>
        <source>Serial receipt printer</source>
        <translation>シリアル接続のレシートプリンター</translation>
    </message>
    <message>
        <source>Network receipt printer</source>
        <translation>ネットワーク接続のレシートプリンター</translation>
    </message>
    <message>
        <source>Write receipts to a file</source>
        <translation>レシートをファイルに書き出す</translation>
    </message>
    <message>
        <source>Print Japanese as an image (any printer)</source>
        <translation>日本語を画像で印刷 (どのプリンターでも可)</translation>
    </message>
    <message>
        <source>Print Japanese as text (Shift_JIS printers)</source>
        <translation>日本語を文字で印刷 (Shift_JIS 対応プリンター)</translation>
    </message>
    <message>
        <source>This register</source>
        <translation>このレジ</translation>
    </message>
    <message>
        <source>For IT: devices and timings</source>
        <translation>IT 担当者向け: 機器と時間設定</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Locked: set by IT in the system file</source>
        <translation>固定: IT 担当者がシステム設定ファイルで設定</translation>
    </message>
    <message>
        <source>Locked: set by IT in the environment</source>
        <translation>固定: IT 担当者が環境変数で設定</translation>
    </message>
    <message>
        <source>expected a number, got %1</source>
        <translation>数値を入力してください (入力: %1)</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>変更はありません。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <source>Saved. Scanner, printer and timing changes take effect when PayTerm restarts.</source>
        <translation>保存しました。スキャナー・プリンター・タイミングの変更は PayTerm の再起動後に有効になります。</translation>
    </message>
    <message>
        <source>Not saved: correct the marked fields.</source>
        <translation>保存していません。印の付いた項目を直してください。</translation>
    </message>
    <message>
        <source>This value is not allowed here. Check it, or ask IT.</source>
        <translation>この値は使えません。確認するか、IT 担当者にご相談ください。</translation>
    </message>
</context>
<context>
    <name>StepUpAppPanel</name>
    <message>
        <source>Ask the customer to confirm in their wallet app</source>
        <translation>お客様にウォレットアプリでの承認をお願いしてください</translation>
    </message>
    <message>
        <source>The wallet asks the customer to approve this payment on their phone. This screen moves on by itself when they do.</source>
        <translation>ウォレットがお客様のスマートフォンに承認を求めています。承認されるとこの画面は自動で進みます。</translation>
    </message>
</context>
<context>
    <name>StepUpOtpPanel</name>
    <message>
        <source>Checking the code…</source>
        <translation>コードを確認中…</translation>
    </message>
    <message>
        <source>Wrong code. Check the code in the customer&apos;s app and type it again.</source>
        <translation>コードが違います。お客様のアプリのコードを確認して、もう一度入力してください。</translation>
    </message>
    <message>
        <source>Type the one-time code shown in the customer&apos;s wallet app.</source>
        <translation>お客様のウォレットアプリに表示されたワンタイムコードを入力してください。</translation>
    </message>
    <message>
        <source>The customer enters the one-time code on the customer display.</source>
        <translation>お客様がお客様用画面でワンタイムコードを入力します。</translation>
    </message>
    <message>
        <source>The wallet cannot be reached. The code is kept and sent as soon as the wallet answers again.</source>
        <translation>ウォレットにつながりません。コードは保持され、ウォレットが応答しだい送信されます。</translation>
    </message>
    <message>
        <source>Enter the one-time code</source>
        <translation>ワンタイムコードを入力</translation>
    </message>
</context>
<context>
    <name>StepUpPanel</name>
    <message>
        <source>Pay to: %1</source>
        <translation>お支払い先: %1</translation>
    </message>
    <message>
        <source>Attempts left: %1</source>
        <translation>残り回数: %1</translation>
    </message>
</context>
<context>
    <name>StepUpPinPanel</name>
    <message>
        <source>Checking the PIN…</source>
        <translation>PIN を確認中…</translation>
    </message>
    <message>
        <source>Wrong PIN. Ask the customer to try again.</source>
        <translation>PINが違います。お客様にもう一度入力していただいてください。</translation>
    </message>
    <message>
        <source>Turn the screen to the customer. Only dots are shown.</source>
        <translation>画面をお客様に向けてください。入力は ● で表示されます。</translation>
    </message>
    <message>
        <source>The customer enters the PIN on the customer display.</source>
        <translation>お客様がお客様用画面で PIN を入力します。</translation>
    </message>
    <message>
        <source>The wallet cannot be reached. The PIN is kept and sent as soon as the wallet answers again.</source>
        <translation>ウォレットにつながりません。PIN は保持され、ウォレットが応答しだい送信されます。</translation>
    </message>
    <message>
        <source>Customer: enter your wallet PIN</source>
        <translation>お客様: ウォレットの PIN を入力してください</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Wallet: connected · %1 ms</source>
        <translation>ウォレット: 接続中 · %1 ms</translation>
    </message>
    <message>
        <source>⚠ Clock off by %1 s: check the time</source>
        <translation>⚠ 時計が %1 秒ずれています: 時刻を確認してください</translation>
    </message>
    <message>
        <source>⚠ Wallet unreachable: retrying</source>
        <translation>⚠ ウォレットにつながりません: 再接続中</translation>
    </message>
    <message>
        <source>Wallet: slow to answer</source>
        <translation>ウォレット: 応答が遅れています</translation>
    </message>
    <message>
        <source>Wallet: checking the connection…</source>
        <translation>ウォレット: 接続を確認中…</translation>
    </message>
    <message>
        <source>TRAINING · test money only</source>
        <translation>トレーニング · テスト用のお金のみ</translation>
    </message>
    <message>
        <source>DEVELOPMENT MODE · device key not protected</source>
        <translation>開発モード · 端末鍵は保護されていません</translation>
    </message>
</context>
<context>
    <name>WalletPage</name>
    <message>
        <source>Wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>The wallet&apos;s address and the one-time enrollment code it gave for this register.</source>
        <translation>ウォレットのアドレスと、このレジ用に発行された 1 回限りの登録コード。</translation>
    </message>
    <message>
        <source>Wallet URL</source>
        <translation>ウォレット URL</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>登録コード</translation>
    </message>
    <message>
        <source>SHA256:… given to IT by the wallet provider</source>
        <translation>ウォレット事業者から IT 担当者に渡された SHA256:…</translation>
    </message>
    <message>
        <source>No fingerprint: trust the key this wallet presents (compare it with the wallet provider&apos;s afterwards)</source>
        <translation>フィンガープリントなし: このウォレットが示す鍵を信頼する (後でウォレット事業者の値と照合してください)</translation>
    </message>
    <message>
        <source>Wallet key fingerprint</source>
        <translation>ウォレット鍵のフィンガープリント</translation>
    </message>
</context>
<context>
    <name>WindowPinPrompt</name>
    <message>
        <source>The POS asks: %1. Enter the manager PIN to authorize it, or Back to refuse.</source>
        <translation>POS からの依頼: %1。許可するには責任者 PIN を入力してください。断る場合は「戻る」を押してください。</translation>
    </message>
</context>
<context>
    <name>ZReport</name>
    <message>
        <source>Approved sales</source>
        <translation>承認件数</translation>
    </message>
    <message>
        <source>Approved amount</source>
        <translation>承認金額</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>返金件数</translation>
    </message>
    <message>
        <source>Refunded amount</source>
        <translation>返金金額</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>差引合計</translation>
    </message>
    <message>
        <source>End of day: journal and wallet</source>
        <translation>締め処理: ジャーナルとウォレットの照合</translation>
    </message>
    <message>
        <source>Register: %1</source>
        <translation>レジ: %1</translation>
    </message>
    <message>
        <source>Business day: %1 (%2)</source>
        <translation>営業日: %1 (%2)</translation>
    </message>
    <message>
        <source>Printed: %1</source>
        <translation>出力日時: %1</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>ジャーナル</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>ウォレット</translation>
    </message>
    <message>
        <source>Journal and wallet agree.</source>
        <translation>ジャーナルとウォレットは一致しています。</translation>
    </message>
    <message>
        <source>%1 difference(s):</source>
        <translation>差異 %1 件:</translation>
    </message>
    <message>
        <source>Audit log head: #%1 %2</source>
        <translation>監査ログの最新記録: #%1 %2</translation>
    </message>
</context>
<context>
    <name>self._window</name>
    <message>
        <source>Checking unfinished sales with the wallet…</source>
        <translation>未完了のお会計をウォレットに確認中…</translation>
    </message>
    <message>
        <source>Unfinished sales could not be checked: %1</source>
        <translation>未完了のお会計を確認できませんでした: %1</translation>
    </message>
</context>
</TS>
