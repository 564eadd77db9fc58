<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
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
    <name>CashierWindow</name>
    <message>
        <source>Printing the last receipt again…</source>
        <translation>直前のレシートを再印刷しています…</translation>
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
        <source>Z-report (PDF)</source>
        <translation>Z レポート (PDF)</translation>
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
</context>
<context>
    <name>EntryPanel</name>
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
    <name>FinalPanel</name>
    <message>
        <source>Next sale (Enter)</source>
        <translation>次のお会計 (Enter)</translation>
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
        <source>sale started</source>
        <translation>取引開始</translation>
    </message>
    <message>
        <source>wallet answered</source>
        <translation>ウォレットの応答</translation>
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
        <source>recovery started</source>
        <translation>復旧を開始</translation>
    </message>
    <message>
        <source>recovery finished</source>
        <translation>復旧が完了</translation>
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
        <source>No manager PIN is set on this register. IT sets it with `payterm enroll --manager-pin-stdin`.</source>
        <translation>このレジには責任者 PIN が設定されていません。IT 担当者が `payterm enroll --manager-pin-stdin` で設定します。</translation>
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
    <name>RecentSales</name>
    <message>
        <source>Approved</source>
        <translation>承認されました</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>支払いできませんでした</translation>
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
        <source>Not changed: %1.</source>
        <translation>変更できませんでした: %1。</translation>
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
        <source>Asking the wallet…</source>
        <translation>ウォレットに問い合わせ中…</translation>
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
        <source>Enter the one-time code</source>
        <translation>ワンタイムコードを入力</translation>
    </message>
</context>
<context>
    <name>StepUpPanel</name>
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
        <source>Customer: enter your wallet PIN</source>
        <translation>お客様: ウォレットの PIN を入力してください</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Wallet: not contacted yet</source>
        <translation>ウォレット: 未接続</translation>
    </message>
    <message>
        <source>Wallet: connected · %1 ms</source>
        <translation>ウォレット: 接続中 · %1 ms</translation>
    </message>
    <message>
        <source>⚠ Clock off by %1 s: check the time</source>
        <translation>⚠ 時計が %1 秒ずれています: 時刻を確認してください</translation>
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
        <source>Z-report</source>
        <translation>Z レポート</translation>
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
