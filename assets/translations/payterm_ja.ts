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
    <name>PinDialog</name>
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
    <message>
        <source>Wrong PIN.</source>
        <translation>PIN が違います。</translation>
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
    <name>SecretPad</name>
    <message>
        <source>OK (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Language / 言語</source>
        <translation>言語 / Language</translation>
    </message>
    <message>
        <source>Close PayTerm</source>
        <translation>PayTerm を終了</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
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
