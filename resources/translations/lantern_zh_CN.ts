<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BasketView</name>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="198"/>
        <source>Basket</source>
        <extracomment>what the blessing box takes; the core&apos;s rule (at most 48 columns) is checked on confirm and says what to fix, so a little over is typed and explained rather than silently cut</extracomment>
        <translation>兑换清单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="199"/>
        <source>Type to search, Enter adds the first match, or touch a gift.</source>
        <translation>输入即可搜索，按回车加入第一个匹配的礼品，或直接点选礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="202"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="202"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="202"/>
        <source>Balance now</source>
        <translation>当前余额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="202"/>
        <source>Points after</source>
        <translation>兑换后积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="206"/>
        <source>Manager override (F10)</source>
        <translation>店长授权 (F10)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="208"/>
        <source>Blessing on the card (optional, up to 24 Chinese characters)</source>
        <translation>贺卡祝福语（可选，最多 24 个汉字）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="266"/>
        <source>Redeeming…</source>
        <translation>正在兑换…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="266"/>
        <source>Confirm redemption  (Enter / F12)</source>
        <translation>确认兑换  (回车 / F12)</translation>
    </message>
</context>
<context>
    <name>CatalogueGrid</name>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="195"/>
        <source>Search gifts: Chinese or English name, or code (Enter adds the first)</source>
        <translation>搜索礼品：中文名、英文名或编号（回车加入第一个）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="197"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="200"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="216"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="228"/>
        <source>All values</source>
        <translation>全部价值档</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="283"/>
        <source>No gift matches the search or filter.</source>
        <translation>没有符合搜索或筛选条件的礼品。</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="36"/>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="37"/>
        <source>Please show your member code</source>
        <translation>请出示会员码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="38"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="39"/>
        <source>Points balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="40"/>
        <source>Points used</source>
        <translation>使用积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="41"/>
        <source>Cash to pay</source>
        <translation>需付现金</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="42"/>
        <source>Points after</source>
        <translation>兑换后积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="43"/>
        <source>Thank you! Enjoy your gift</source>
        <translation>谢谢惠顾！祝您愉快</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="44"/>
        <source>Receipt</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/customer_display.py" line="45"/>
        <source>pts</source>
        <translation>积分</translation>
    </message>
</context>
<context>
    <name>DayTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="195"/>
        <source>Business day</source>
        <translation>营业日</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="196"/>
        <source>Open the business day</source>
        <translation>开始营业日</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="197"/>
        <source>Close the business day…</source>
        <translation>结束营业日…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="198"/>
        <source>Close the day</source>
        <translation>结束营业日</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="199"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="200"/>
        <source>Daily reconciliation</source>
        <translation>每日对账单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="201"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="202"/>
        <source>Write and print the reconciliation</source>
        <translation>生成并打印对账单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="203"/>
        <source>Open the reports folder</source>
        <translation>打开报表文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="204"/>
        <source>Print the closing reconciliation</source>
        <translation>打印日结对账单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="228"/>
        <source>Business day {day} is not open yet.</source>
        <translation>营业日 {day} 尚未开始。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="230"/>
        <source>Business day {day} is open (since {time}, {who}).</source>
        <translation>营业日 {day} 营业中（{time} 由 {who} 开始）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="234"/>
        <source>Business day {day} is closed ({time}, {who}).</source>
        <translation>营业日 {day} 已结束（{time} 由 {who} 结束）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="242"/>
        <source>Close business day {day}? No more redemptions or voids today; it cannot be opened again.</source>
        <translation>确定结束营业日 {day}？今天将不能再兑换或作废，且不能重新开始。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="279"/>
        <source>Business day {day} is closed. Checking the store and backing it up…</source>
        <translation>营业日 {day} 已结束。正在检查门店数据并备份…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="301"/>
        <source>The business day is closed, but the store check needs attention: {lines}</source>
        <translation>营业日已结束，但门店检查发现问题：{lines}</translation>
    </message>
    <message>
        <source>The business day is closed; the store checked sound and was backed up ({path}). Print the reconciliation.</source>
        <translation type="vanished">营业日已结束；门店数据检查无误并已备份（{path}）。请打印对账单。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="310"/>
        <source>The business day is open.</source>
        <translation>营业日已开始。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="313"/>
        <source>Business day {day} is closed. Writing the closing reconciliation…</source>
        <translation>营业日 {day} 已结束，正在生成日结对账单…</translation>
    </message>
    <message>
        <source>The business day is closed. Print the reconciliation.</source>
        <translation type="vanished">营业日已结束。请打印对账单。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="321"/>
        <source>Not done: {error}</source>
        <translation>未完成：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="343"/>
        <source>Writing the reconciliation for {day}…</source>
        <translation>正在生成 {day} 的对账单…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="346"/>
        <source>Writing the closing reconciliation for {day}…</source>
        <translation>正在生成 {day} 的日结对账单…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="376"/>
        <source>Business day {day} is closed; the store checked sound and was backed up ({path}); its closing reconciliation is written.</source>
        <translation>营业日 {day} 已结束；门店数据检查无误并已备份（{path}）；结业对账单已生成。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="383"/>
        <source>Business day {day} is closed; its closing reconciliation is written.</source>
        <translation>营业日 {day} 已结束，日结对账单已生成。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="388"/>
        <source>Closing reconciliation written. Print it, check it and sign it; the PDF and CSV are kept in the reports folder.</source>
        <translation>日结对账单已生成。请打印、核对并签字；PDF 和 CSV 保存在报表文件夹中。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="396"/>
        <source>Reconciliation written. No system printer is set up: open the PDF to print it.</source>
        <translation>对账单已生成。未设置系统打印机：请打开 PDF 打印。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="401"/>
        <source>Reconciliation written and sent to {printer}.</source>
        <translation>对账单已生成并发送到 {printer}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="407"/>
        <source>Reconciliation written, but printing failed: {error}</source>
        <translation>对账单已生成，但打印失败：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="427"/>
        <source>No system printer is set up: open the PDF to print it.</source>
        <translation>未设置系统打印机：请打开 PDF 打印。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="431"/>
        <source>Closing reconciliation sent to {printer}.</source>
        <translation>日结对账单已发送到 {printer}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="435"/>
        <source>Printing failed: {error}</source>
        <translation>打印失败：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/day_tab.py" line="442"/>
        <source>The reconciliation was not written: {error}</source>
        <translation>对账单未生成：{error}</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="95"/>
        <source>Lantern — set up this till</source>
        <translation>灯笼 — 设置本收银台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="96"/>
        <source>Set up this till</source>
        <translation>设置本收银台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="99"/>
        <source>No store is set up on this computer yet. Enter what head office gave this store, and its first manager; or try the demo store first.</source>
        <translation>这台电脑上还没有设置门店。请填写总部为本门店提供的信息和第一位店长；也可以先试用演示门店。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="104"/>
        <source>Store id (e.g. SH001)</source>
        <translation>门店编号（例如 SH001）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="105"/>
        <source>Store name (Chinese)</source>
        <translation>门店名称（中文）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="106"/>
        <source>Store name (English, optional)</source>
        <translation>门店名称（英文，可不填）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="107"/>
        <source>Head-office address</source>
        <translation>总部地址</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="108"/>
        <source>Store secret</source>
        <translation>门店密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="109"/>
        <source>First manager&apos;s id (e.g. M01)</source>
        <translation>第一位店长的工号（例如 M01）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="110"/>
        <source>Manager&apos;s name</source>
        <translation>店长姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="111"/>
        <source>Manager&apos;s PIN (4–8 digits)</source>
        <translation>店长密码（4–8 位数字）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="112"/>
        <source>PIN again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="117"/>
        <source>Try the demo store</source>
        <translation>试用演示门店</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="118"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="119"/>
        <source>Set up this store</source>
        <translation>设置本门店</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="140"/>
        <source>The two PINs differ: type the manager&apos;s PIN again.</source>
        <translation>两次输入的密码不一致：请重新输入店长密码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="145"/>
        <source>Setting up the store and syncing with head office…</source>
        <translation>正在设置门店并与总部同步……</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="157"/>
        <source>Not set up: {error}</source>
        <translation>未能设置：{error}</translation>
    </message>
</context>
<context>
    <name>GiftTile</name>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="114"/>
        <source>Stock {n}</source>
        <translation>库存 {n}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/catalogue.py" line="116"/>
        <source>▲ Low stock</source>
        <translation>▲ 库存不足</translation>
    </message>
</context>
<context>
    <name>LineRow</name>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="72"/>
        <source>{price} each</source>
        <translation>单价 {price}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/basket.py" line="100"/>
        <source>{points} pts</source>
        <translation>{points} 积分</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="145"/>
        <source>Log in to the till</source>
        <translation>登录收银台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="146"/>
        <source>Who is at the till?</source>
        <translation>请选择您的姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="147"/>
        <source>↑ ↓ choose your name · type your PIN · Enter</source>
        <translation>↑ ↓ 选择姓名 · 输入密码 · 回车</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="157"/>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="157"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="179"/>
        <source>The staff list could not be read: {error}</source>
        <translation>无法读取员工名单：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="214"/>
        <source>PIN for {name}</source>
        <translation>{name} 的密码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="235"/>
        <source>Choose your name first.</source>
        <translation>请先选择您的姓名。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="238"/>
        <source>Type your PIN, then Enter.</source>
        <translation>请输入密码，然后按回车。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="241"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="266"/>
        <source>Could not log in: {error}</source>
        <translation>无法登录：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="214"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="126"/>
        <source>Lantern — {store}</source>
        <translation>灯笼 — {store}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="131"/>
        <source>Cashier: {name}</source>
        <translation>收银员：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="131"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="133"/>
        <source>Manager (F9)</source>
        <translation>店长 (F9)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="134"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="158"/>
        <source>Head office online</source>
        <translation>总部在线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="158"/>
        <location filename="../../desktop/ui/main_window.py" line="172"/>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="159"/>
        <source>{n} events waiting to sync</source>
        <translation>{n} 条记录待同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="165"/>
        <source>SYNC REFUSED by head office: offline limits apply; a manager must recover the store (Manager → Sync)</source>
        <translation>总部拒绝同步：按离线限额营业；须由店长恢复门店数据（店长 → 同步）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="174"/>
        <source>head-office address not valid: a manager corrects it in Settings</source>
        <translation>总部地址无效：请店长在“设置”中更正</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="195"/>
        <source>Approve going beyond the offline limits.</source>
        <translation>批准超出离线限额。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="220"/>
        <source>Open the manager screen.</source>
        <translation>进入店长管理界面。</translation>
    </message>
</context>
<context>
    <name>ManagerPinDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="123"/>
        <source>Manager approval</source>
        <translation>店长授权</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="124"/>
        <source>A manager&apos;s PIN is needed</source>
        <translation>需要店长密码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="125"/>
        <source>Manager number</source>
        <translation>店长工号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="128"/>
        <source>e.g. M01</source>
        <translation>例如 M01</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="129"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="160"/>
        <source>Type the manager&apos;s number first.</source>
        <translation>请先输入店长工号。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="164"/>
        <source>Type the PIN, then Enter.</source>
        <translation>请输入密码，然后按回车。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="167"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/manager_pin.py" line="195"/>
        <source>The PIN could not be checked: {error}</source>
        <translation>无法验证密码：{error}</translation>
    </message>
</context>
<context>
    <name>ManagerScreen</name>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="90"/>
        <source>Manager: {name} ({id})</source>
        <translation>店长：{name}（{id}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="92"/>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="94"/>
        <source>Back to the till (Esc)</source>
        <translation>返回收银台 (Esc)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="97"/>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="98"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="99"/>
        <source>Business day</source>
        <translation>营业日</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="100"/>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="101"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="102"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/manager.py" line="103"/>
        <source>Paper vouchers</source>
        <translation>纸质凭证</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="113"/>
        <source>Points balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="114"/>
        <source>Waiting for head office</source>
        <translation>待总部确认</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation type="vanished">30 天内到期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="115"/>
        <source>Blocked: ask head office</source>
        <translation>已冻结：请联系总部</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="139"/>
        <source>Scan the member&apos;s card or phone code</source>
        <translation>请扫描会员卡或手机会员码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="145"/>
        <source>Expiring within {days} days</source>
        <translation>{days} 天内到期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="156"/>
        <source>{points} pts on {date}</source>
        <translation>{points} 积分于 {date} 到期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="168"/>
        <source>+{points} bonus points</source>
        <translation>+{points} 赠送积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="171"/>
        <source>gift: {gift}</source>
        <translation>礼品：{gift}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="174"/>
        <source>Welcome back! {days} days since the last visit</source>
        <translation>欢迎回来！距上次到店已 {days} 天</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="178"/>
        <source>Happy birthday!</source>
        <translation>生日快乐！</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="180"/>
        <source>First-redemption gift</source>
        <translation>首次兑换礼</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="181"/>
        <source>{head}: {what} — click to give</source>
        <translation>{head}：{what} —— 点击赠送</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="202"/>
        <source>{points} pts expire by {date}</source>
        <translation>{points} 积分将于 {date} 前过期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="206"/>
        <source>; suggest: {gifts}</source>
        <translation>；推荐：{gifts}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="212"/>
        <source>First redemption ideas: {gifts}</source>
        <translation>首次兑换推荐：{gifts}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="267"/>
        <source>Redeemed. Receipt {receipt} · points after {after}</source>
        <translation>兑换成功。小票 {receipt} · 剩余积分 {after}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="273"/>
        <source>Printing {receipt}…</source>
        <translation>正在打印 {receipt}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="279"/>
        <source>Printed {receipt}.</source>
        <translation>已打印 {receipt}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/member_panel.py" line="286"/>
        <source>Printer problem for {receipt}: {detail}. The redemption stands; the print queue retries, and a manager can reprint.</source>
        <translation>{receipt} 打印出错：{detail}。兑换已生效；打印队列会自动重试，店长也可补打。</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../../desktop/ui/pin_pad.py" line="94"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pin_pad.py" line="95"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pin_pad.py" line="96"/>
        <source>Delete the last digit</source>
        <translation>删除最后一位</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/pin_pad.py" line="97"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>PinRefusal</name>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="49"/>
        <source>{name} is locked after too many wrong PINs. Try again after {time}, or ask a manager.</source>
        <translation>{name} 密码错误次数过多，账号已锁定。请在 {time} 之后再试，或联系店长。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="54"/>
        <source>{name} is not a manager: a manager&apos;s PIN is needed.</source>
        <translation>{name} 不是店长：需要店长密码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="58"/>
        <source>No active staff member {id}: check the number.</source>
        <translation>没有在职员工 {id}：请核对工号。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/login.py" line="61"/>
        <source>Wrong PIN for {name}. {n} tries left before the account locks for {minutes} minutes.</source>
        <translation>{name} 的密码错误。再错 {n} 次，账号将锁定 {minutes} 分钟。</translation>
    </message>
</context>
<context>
    <name>PrintingTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="86"/>
        <source>Printouts waiting (queued, or failed and waiting for a retry)</source>
        <translation>待打印（排队中，或打印失败等待重试）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="90"/>
        <source>Printout</source>
        <translation>打印件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="91"/>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="103"/>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="109"/>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="92"/>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="93"/>
        <source>Tries</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="94"/>
        <source>Next try</source>
        <translation>下次重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="95"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="98"/>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="99"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="100"/>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="105"/>
        <source>Reprint</source>
        <translation>重印</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="101"/>
        <source>Receipt number</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="102"/>
        <source>scan or type the receipt number</source>
        <translation>扫描或输入小票号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="104"/>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="109"/>
        <source>Greeting card</source>
        <translation>贺卡</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="128"/>
        <source>Printers: {names}</source>
        <translation>打印机：{names}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="130"/>
        <source>Printer settings not used: {problems}</source>
        <translation>未使用的打印机设置：{problems}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="142"/>
        <source>{kind} (reprint {n})</source>
        <translation>{kind}（第 {n} 次重印）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="152"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="173"/>
        <source>Pick the printout to retry first.</source>
        <translation>请先选择要重试的打印件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="176"/>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="193"/>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="188"/>
        <source>Type or scan the receipt number first.</source>
        <translation>请先输入或扫描小票号。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="206"/>
        <source>Printed: {n} printout(s).</source>
        <translation>已打印 {n} 份。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="210"/>
        <source>Printed {ok}, failed {failed}: {errors}</source>
        <translation>已打印 {ok} 份，失败 {failed} 份：{errors}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/printing_tab.py" line="217"/>
        <source>Not printed: {error}</source>
        <translation>未打印：{error}</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="141"/>
        <source>Offline limits</source>
        <translation>离线限额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="144"/>
        <source>While head office cannot be reached, redemptions stay within these limits; beyond them a manager must approve. Head office may send new limits at the next sync.</source>
        <translation>无法连接总部时，兑换不得超出以下限额；超出须店长授权。下次同步时总部可能下发新的限额。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="149"/>
        <source>Points per redemption</source>
        <translation>单笔兑换积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="150"/>
        <source>Points per member per day (printed card)</source>
        <translation>每位会员每日积分（实体卡）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="151"/>
        <source>Points per member per day (phone code)</source>
        <translation>每位会员每日积分（手机码）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="152"/>
        <source>Members served while offline</source>
        <translation>离线期间可服务会员数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="153"/>
        <source>Store total while offline (points)</source>
        <translation>离线期间门店总积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="155"/>
        <source>Hours without a sync before redemptions need a manager</source>
        <translation>未同步超过多少小时须店长授权</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="160"/>
        <source>This till</source>
        <translation>本收银台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="164"/>
        <source>Lock after idle (seconds)</source>
        <translation>闲置自动锁定（秒）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="165"/>
        <source>Camera number</source>
        <translation>摄像头编号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="166"/>
        <source>Default language</source>
        <translation>默认语言</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="167"/>
        <source>Head-office address</source>
        <translation>总部地址</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="168"/>
        <source>Printers</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="169"/>
        <source>Shortest PIN (digits)</source>
        <translation>PIN 最短位数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="174"/>
        <source>empty: no camera; 0 for the first camera</source>
        <translation>留空：不使用摄像头；0 为第一个摄像头</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="177"/>
        <source>One printer per line: system (the default printer), system:NAME, network:HOST[:PORT], usb:VID:PID, serial:DEVICE[:BAUD]; for a cash drawer on a receipt printer add ,drawer=pin2 (or pin5) and, if needed, ,pulse=50/500 (ms). New printers and the camera are used from the next start.</source>
        <translation>每行一台打印机：system（默认打印机）、system:名称、network:主机[:端口]、usb:VID:PID、serial:设备[:波特率]；钱箱接在小票打印机上时，加上 ,drawer=pin2（或 pin5），需要时再加 ,pulse=50/500（毫秒）。新打印机和摄像头在下次启动后生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="183"/>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="184"/>
        <source>Undo changes</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="204"/>
        <source>not connected: use `lantern store connect` first</source>
        <translation>未连接：请先运行 `lantern store connect`</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="211"/>
        <source>The settings could not be read: {error}</source>
        <translation>无法读取设置：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="219"/>
        <source>{field}: enter a whole number from {low} to {high}.</source>
        <translation>{field}：请输入 {low} 到 {high} 之间的整数。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="241"/>
        <source>A printed card can be photocopied: its daily limit must not be above the phone code&apos;s.</source>
        <translation>实体卡可能被复印：其每日限额不得高于手机码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="257"/>
        <source>Head-office address: {address} is not a valid address. Write it as http://HOST:PORT, e.g. http://10.0.0.5:8765.</source>
        <translation>总部地址：{address} 不是有效地址。请写成 http://主机:端口，例如 http://10.0.0.5:8765。</translation>
    </message>
    <message>
        <source>Head-office address: it starts with http:// or https://.</source>
        <translation type="vanished">总部地址：须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="270"/>
        <source>Printers: {line} is not valid.</source>
        <translation>打印机：{line} 格式不正确。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="274"/>
        <source>Printers: {problem}</source>
        <translation>打印机：{problem}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="286"/>
        <source>Not saved. {problems}</source>
        <translation>未保存。{problems}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="303"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/settings_tab.py" line="307"/>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
</context>
<context>
    <name>StockTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="205"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="206"/>
        <source>Gift</source>
        <translation>礼品</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="207"/>
        <source>On hand</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="208"/>
        <source>Alert at</source>
        <translation>预警值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="213"/>
        <source>Low stock</source>
        <translation>库存不足</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="223"/>
        <source>Receive a delivery</source>
        <translation>收货</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="219"/>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="224"/>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="231"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="209"/>
        <source>Redeemed</source>
        <translation>已兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="210"/>
        <source>Requested</source>
        <translation>补货申请</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="214"/>
        <source>Slow movers</source>
        <translation>滞销礼品</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="216"/>
        <source>Turnover report ({days} days)</source>
        <translation>库存周转报表（{days} 天）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="218"/>
        <source>Ask head office for more</source>
        <translation>向总部申请补货</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="220"/>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="225"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="221"/>
        <source>e.g. before the festival</source>
        <translation>例如：节前备货</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="222"/>
        <source>Send the request</source>
        <translation>发送申请</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="226"/>
        <source>e.g. delivery note number</source>
        <translation>例如送货单号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="227"/>
        <source>Receive into stock</source>
        <translation>收货入库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="228"/>
        <source>Count or adjust</source>
        <translation>盘点或调整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="229"/>
        <source>Counted on the shelf</source>
        <translation>盘点实数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="230"/>
        <source>Change by (+/−)</source>
        <translation>增减数量（+/−）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="232"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="238"/>
        <source>Stock count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="239"/>
        <source>Damaged in store</source>
        <translation>店内损坏</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="240"/>
        <source>Display sample</source>
        <translation>陈列样品</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="241"/>
        <source>Lost or stolen</source>
        <translation>丢失或被盗</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="247"/>
        <source>Why? (required, goes on the report)</source>
        <translation>原因（必填，将列入对账单）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="248"/>
        <source>Adjust stock</source>
        <translation>调整库存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="249"/>
        <source>No, correct it</source>
        <translation>不，改一下</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="276"/>
        <source>The stock could not be read: {error}</source>
        <translation>无法读取库存：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="291"/>
        <source>{n} in {days} d</source>
        <translation>{days} 天内 {n} 件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="301"/>
        <source>{code} {name}: {n} left (alert at {alert})</source>
        <translation>{code} {name}：剩 {n} 件（预警值 {alert}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="310"/>
        <source>No gift is low on stock.</source>
        <translation>没有库存不足的礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="333"/>
        <source>requested {n} on {day}, pending</source>
        <translation>已于 {day} 申请 {n} 件，待发货</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="336"/>
        <source>requested {n} on {day}, fulfilled</source>
        <translation>已于 {day} 申请 {n} 件，已到货</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="351"/>
        <source>Pick a gift in the list.</source>
        <translation>请在列表中选择礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="358"/>
        <source>{code} {name}: {n} on hand</source>
        <translation>{code} {name}：库存 {n} 件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="364"/>
        <source>Redeemed {n} in the last {days} days: {projected} expected in the next {ahead} days. Alert at {alert} (the gift&apos;s own: {own}).</source>
        <translation>近 {days} 天兑换 {n} 件：预计未来 {ahead} 天兑换 {projected} 件。预警线 {alert}（礼品自设：{own}）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="378"/>
        <source>Nothing requested yet.</source>
        <translation>尚未申请补货。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="391"/>
        <source>Pick the gift that was delivered first.</source>
        <translation>请先选择收货的礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="433"/>
        <source>Receive {n} of {code}? That is far more than usual ({stock} on hand). Check the quantity on the delivery note.</source>
        <translation>收货 {code} 共 {n} 件？这远多于平常（现有 {stock} 件）。请核对送货单上的数量。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="436"/>
        <source>Yes, receive {n}</source>
        <translation>是，收货 {n} 件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="439"/>
        <source>{n} of {code} counted on the shelf? The stock says {stock}. Check the count.</source>
        <translation>货架上盘点到 {code} 共 {n} 件？库存记录为 {stock} 件。请核对盘点数。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="441"/>
        <source>Yes, {n} are on the shelf</source>
        <translation>是，货架上有 {n} 件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="444"/>
        <source>Change the stock of {code} by {n:+d}? That is far more than usual ({stock} on hand).</source>
        <translation>将 {code} 的库存调整 {n:+d}？这远多于平常（现有 {stock} 件）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="447"/>
        <source>Yes, change by {n:+d}</source>
        <translation>是，调整 {n:+d}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="468"/>
        <source>Received {n} of {code}: {stock} on hand now.</source>
        <translation>{code} 已收货 {n} 件：现有库存 {stock} 件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="479"/>
        <source>Pick the gift to adjust first.</source>
        <translation>请先选择要调整的礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="483"/>
        <source>Give the reason for the adjustment first.</source>
        <translation>请先填写调整原因。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="488"/>
        <source>A change of zero changes nothing: enter how many.</source>
        <translation>增减为零不会有任何变化：请输入数量。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="508"/>
        <source>Stock of {code} changed by {delta:+d}: {stock} on hand now.</source>
        <translation>{code} 库存调整 {delta:+d} 件：现有库存 {stock} 件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="516"/>
        <source>Stock not changed: {error}</source>
        <translation>库存未修改：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="523"/>
        <source>Pick the gift to ask for first.</source>
        <translation>请先选择要申请补货的礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="540"/>
        <source>Asked head office for {n} of {code}; the request goes with the next sync.</source>
        <translation>已向总部申请 {code} {n} 件；申请将随下次同步发送。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="547"/>
        <source>Not requested: {error}</source>
        <translation>未申请：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="557"/>
        <source>Working out the stock turnover…</source>
        <translation>正在计算库存周转…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="581"/>
        <source>{code} {name}: {n} on hand, nothing redeemed in {days} days</source>
        <translation>{code} {name}：库存 {n}，{days} 天无兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="589"/>
        <source>No slow movers.</source>
        <translation>没有滞销礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="591"/>
        <source>Turnover report written: {n} slow mover(s).</source>
        <translation>周转报表已生成：滞销礼品 {n} 种。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/stock_tab.py" line="597"/>
        <source>The turnover report could not be written: {error}</source>
        <translation>周转报表未能生成：{error}</translation>
    </message>
</context>
<context>
    <name>SyncTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="98"/>
        <source>Head office</source>
        <translation>总部</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="99"/>
        <source>Events waiting</source>
        <translation>待同步记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="100"/>
        <source>Last successful sync</source>
        <translation>最近成功同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="101"/>
        <source>Last attempt</source>
        <translation>最近尝试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="102"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="107"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="108"/>
        <source>Recover from head office</source>
        <translation>从总部恢复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="109"/>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="110"/>
        <source>Stop redemptions while sync is refused</source>
        <translation>同步被拒期间停止兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="113"/>
        <source>Events head office parked (they do not block the others; head office reviews them)</source>
        <translation>总部暂挂的记录（不影响其他记录同步；由总部审核）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="117"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="117"/>
        <source>Event</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="117"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="117"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="137"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="146"/>
        <source>Not connected to a head office (the store runs on its own)</source>
        <translation>未连接总部（门店独立运行）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="150"/>
        <source>none: connect with `lantern store connect --url URL --store-id ID`</source>
        <translation>无：请用 `lantern store connect --url URL --store-id ID` 连接</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="153"/>
        <source>Head office online</source>
        <translation>总部在线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="153"/>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="158"/>
        <source>SYNC REFUSED: head office does not accept this store&apos;s events (restored from an old backup?). Press “Recover from head office”.</source>
        <translation>总部拒绝同步：总部不接受本店的事件（是否从旧备份恢复？）。请按“从总部恢复”。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="184"/>
        <source>The sync status could not be read: {error}</source>
        <translation>无法读取同步状态：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="190"/>
        <source>Recovering from head office…</source>
        <translation>正在从总部恢复…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="196"/>
        <source>Recovery failed: {error}</source>
        <translation>恢复失败：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="215"/>
        <source>Backed up to {path}</source>
        <translation>已备份到 {path}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="216"/>
        <source>Backup failed: {error}</source>
        <translation>备份失败：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="235"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="259"/>
        <source>Synced: {pushed} events sent, {parked} parked; {pulled} changes received; {waiting} still waiting.</source>
        <translation>同步完成：已发送 {pushed} 条，暂挂 {parked} 条；收到 {pulled} 项更新；仍有 {waiting} 条待同步。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/sync_tab.py" line="254"/>
        <source>Sync failed: {error}</source>
        <translation>同步失败：{error}</translation>
    </message>
</context>
<context>
    <name>TillHeader</name>
    <message>
        <location filename="../../desktop/ui/widgets/till_header.py" line="44"/>
        <source>Scan the member code, or type the card number + Enter</source>
        <translation>扫描会员码，或输入卡号后按回车</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/till_header.py" line="46"/>
        <source>Head office offline: redemptions within offline limits</source>
        <translation>总部离线：仅可在离线限额内兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/till_header.py" line="59"/>
        <source>Business day {day}: open</source>
        <translation>营业日 {day}：营业中</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/till_header.py" line="63"/>
        <source>Business day {day}: closed — no more redemptions today</source>
        <translation>营业日 {day}：已日结，今日不再兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/widgets/till_header.py" line="70"/>
        <source>Business day {day}: not open — a manager must open it</source>
        <translation>营业日 {day}：未开始营业，需店长开启</translation>
    </message>
</context>
<context>
    <name>TillScreen</name>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="187"/>
        <source>Scan anywhere · type to search · Enter adds the first match · Enter or F12 confirms · F7/F8 quantity −/+ · F6 points or cash · F10 manager override · F2 card number · Esc clears</source>
        <translation>任意位置扫码 · 直接输入即搜索 · 回车加入第一个匹配 · 回车或 F12 确认兑换 · F7/F8 数量 −/+ · F6 切换积分/积分+现金 · F10 店长授权 · F2 输入卡号 · Esc 清除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="233"/>
        <source>Wait: the redemption is still being recorded.</source>
        <translation>请稍候：兑换正在记录中。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="237"/>
        <source>Looking up the member…</source>
        <translation>正在查询会员…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="257"/>
        <source>Typed card number: while head office is offline, a manager must approve.</source>
        <translation>手动输入的卡号：总部离线时需店长授权。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="287"/>
        <source>Given: {points} bonus points{gift}.</source>
        <translation>已赠送：{points} 积分{gift}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="289"/>
        <source> and the gift {gift}</source>
        <translation> 及礼品 {gift}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="302"/>
        <source>Not given: {detail}.</source>
        <translation>未赠送：{detail}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="305"/>
        <source>Giving the journey…</source>
        <translation>正在赠送…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="335"/>
        <source>Ready for the next customer.</source>
        <translation>可以接待下一位顾客。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="379"/>
        <source>No gift the member can take matches “{text}”.</source>
        <translation>没有该会员可兑换且符合“{text}”的礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="391"/>
        <source>The business day is closed: no more redemptions today. Come back when tomorrow&apos;s day is open.</source>
        <translation>营业日已结束：今日不再兑换。请待明日营业开启后再兑换。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="395"/>
        <source>The business day is not open yet: a manager must open it (F9, Business day).</source>
        <translation>营业日尚未开始：需店长开启（F9 › 营业日）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="408"/>
        <location filename="../../desktop/ui/screens/till.py" line="483"/>
        <source>Scan the member&apos;s code first.</source>
        <translation>请先扫描会员码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="458"/>
        <source>Only {n} in stock.</source>
        <translation>库存仅剩 {n} 件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="490"/>
        <source>The basket is empty: add a gift first.</source>
        <translation>兑换清单为空：请先添加礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="510"/>
        <source>Recording the redemption…</source>
        <translation>正在记录兑换…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="534"/>
        <location filename="../../desktop/ui/screens/till.py" line="540"/>
        <source>Not recorded: {detail}.</source>
        <translation>未能记录：{detail}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/screens/till.py" line="546"/>
        <source>Not recorded: {detail}. Press Enter to try again; it will not deduct twice.</source>
        <translation>未能记录：{detail}。请按回车重试，不会重复扣分。</translation>
    </message>
</context>
<context>
    <name>VoidTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="60"/>
        <source>Today&apos;s redemptions. Pick the receipt, give the reason; a manager&apos;s PIN approves the void. The points go back to the member, the gifts back into stock.</source>
        <translation>今日兑换记录。选择小票并填写原因，由店长输入密码授权作废。积分退回会员，礼品退回库存。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="66"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="67"/>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="68"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="69"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="70"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="71"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="72"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="75"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="81"/>
        <source>Customer changed their mind</source>
        <translation>顾客改变主意</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="82"/>
        <source>Wrong gift scanned</source>
        <translation>礼品扫错</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="83"/>
        <source>Gift damaged or faulty</source>
        <translation>礼品损坏或有质量问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="89"/>
        <source>Why is it voided? (required)</source>
        <translation>作废原因（必填）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="90"/>
        <source>Void receipt…</source>
        <translation>作废小票…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="106"/>
        <source>Today&apos;s receipts could not be read: {error}</source>
        <translation>无法读取今日小票：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="114"/>
        <source>Voided {time} by {manager}</source>
        <translation>已于 {time} 由 {manager} 作废</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="134"/>
        <source>No redemptions today yet.</source>
        <translation>今天还没有兑换记录。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="166"/>
        <source>Pick the receipt to void first.</source>
        <translation>请先选择要作废的小票。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="170"/>
        <source>Give the reason for the void first.</source>
        <translation>请先填写作废原因。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="173"/>
        <source>Void receipt {receipt}: {points} points back to the member.</source>
        <translation>作废小票 {receipt}：{points} 积分退回会员。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="188"/>
        <source>Voiding {receipt}…</source>
        <translation>正在作废 {receipt}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="200"/>
        <source>Receipt {receipt} voided: {points} points returned to the member (balance now {balance}).</source>
        <translation>小票 {receipt} 已作废：{points} 积分已退回会员（现余额 {balance}）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/void_tab.py" line="213"/>
        <source>Not voided: {error}</source>
        <translation>未作废：{error}</translation>
    </message>
</context>
<context>
    <name>VoucherTab</name>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="104"/>
        <source>When the till was down, staff wrote redemptions on numbered paper vouchers. Key each one in as written: it becomes a receipt of today, marked keyed-in.</source>
        <translation>收银机停用期间，店员在编号纸质凭证上记录兑换。请按原样逐张补录：每张都会成为今天的一张单据，并标记为补录。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="108"/>
        <source>Key in a paper voucher</source>
        <translation>补录纸质凭证</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="112"/>
        <source>Voucher number</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="113"/>
        <source>Member (card number or member id)</source>
        <translation>会员（卡号或会员号）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="114"/>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="136"/>
        <source>Gifts</source>
        <translation>礼品</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="115"/>
        <source>Written at</source>
        <translation>填写时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="116"/>
        <source>Written by (cashier id)</source>
        <translation>填写人（收银员工号）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="122"/>
        <source>e.g. G101:2, G501</source>
        <translation>例如 G101:2, G501</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="123"/>
        <source>e.g. 2026-06-15 14:30</source>
        <translation>例如 2026-06-15 14:30</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="125"/>
        <source>Key in voucher</source>
        <translation>补录凭证</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="126"/>
        <source>Record as overdraft</source>
        <translation>按透支记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="127"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="128"/>
        <source>Paper vouchers keyed in today</source>
        <translation>今日补录的纸质凭证</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="131"/>
        <source>Voucher</source>
        <translation>凭证</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="132"/>
        <source>Receipt</source>
        <translation>单号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="133"/>
        <source>Written</source>
        <translation>填写</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="134"/>
        <source>Keyed in</source>
        <translation>补录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="135"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="137"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="138"/>
        <source>Overdraft</source>
        <translation>透支</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="155"/>
        <source>The keyed-in vouchers could not be read: {error}</source>
        <translation>无法读取已补录的凭证：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="186"/>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="233"/>
        <source>Not keyed in: {error}</source>
        <translation>未补录：{error}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="192"/>
        <source>Keying in {voucher}…</source>
        <translation>正在补录 {voucher}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="207"/>
        <source>Voucher {voucher} keyed in as receipt {receipt}: {points} points.</source>
        <translation>凭证 {voucher} 已补录为单据 {receipt}：{points} 积分。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="212"/>
        <source>Overdraft of {points} points recorded as the member&apos;s debt.</source>
        <translation>透支 {points} 积分，已记为会员欠分。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="225"/>
        <source>The member&apos;s points no longer cover this voucher: {available} available, {needed} needed. The gift has left the store. Record it as an overdraft (the member&apos;s debt)?</source>
        <translation>会员积分已不足以支付此凭证：可用 {available}，需要 {needed}。礼品已离店。是否按透支记录（记为会员欠分）？</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="231"/>
        <source>Nothing recorded yet: confirm the overdraft or cancel.</source>
        <translation>尚未记录：请确认透支或取消。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tabs/voucher_tab.py" line="245"/>
        <source>Not keyed in: the overdraft was not confirmed.</source>
        <translation>未补录：未确认透支。</translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <location filename="../../desktop/ui/wording.py" line="32"/>
        <source>{points} pts</source>
        <translation>{points} 积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="35"/>
        <source>{points} pts + {cash}</source>
        <translation>{points} 积分 + {cash}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="42"/>
        <source>Regular</source>
        <translation>普通</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="43"/>
        <source>Silver</source>
        <translation>银卡</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="44"/>
        <source>Gold</source>
        <translation>金卡</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="45"/>
        <source>Platinum</source>
        <translation>白金</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="51"/>
        <source>Home</source>
        <translation>家居</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="52"/>
        <source>Stationery</source>
        <translation>文具</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="53"/>
        <source>Food &amp; drink</source>
        <translation>食品饮料</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="54"/>
        <source>Festival</source>
        <translation>节日</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="55"/>
        <source>Toys</source>
        <translation>玩具</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="56"/>
        <source>Vouchers</source>
        <translation>礼券</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="57"/>
        <source>Personal care</source>
        <translation>个人护理</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="58"/>
        <source>Electronics</source>
        <translation>电器</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="59"/>
        <source>Apparel</source>
        <translation>服饰</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="60"/>
        <source>Travel</source>
        <translation>出行</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="61"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="62"/>
        <source>Experiences</source>
        <translation>体验</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="71"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="72"/>
        <source>Experience</source>
        <translation>体验</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="78"/>
        <source>Low value</source>
        <translation>低价值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="79"/>
        <source>Mid value</source>
        <translation>中价值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="80"/>
        <source>High value</source>
        <translation>高价值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="86"/>
        <source>{tier} only</source>
        <translation>{tier}专享</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="90"/>
        <source>Hot</source>
        <translation>热门</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="94"/>
        <source>Places left {n}</source>
        <translation>剩余名额 {n}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="100"/>
        <source>{title}, valid {days} days</source>
        <translation>{title}，{days} 天有效</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="105"/>
        <source>Session {when} · {place}</source>
        <translation>场次 {when} · {place}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="118"/>
        <source>Code accepted.</source>
        <translation>会员码有效。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="119"/>
        <source>Not a Lantern code: ask for the member&apos;s Lantern card or app code.</source>
        <translation>不是 Lantern 会员码：请会员出示会员卡或 App 会员码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="122"/>
        <source>Damaged or incomplete code: scan again, or type the card number.</source>
        <translation>会员码损坏或不完整：请重新扫描，或输入卡号。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="125"/>
        <source>Forged code: the signature does not match. Do not redeem.</source>
        <translation>伪造的会员码：签名不符，请勿兑换。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="128"/>
        <source>Code signed with a key this till does not know: sync with head office. If it persists, the code is forged.</source>
        <translation>会员码的签名密钥本机未知：请与总部同步；如仍无法识别，即为伪造码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="133"/>
        <source>Card revoked: ask for the new card.</source>
        <translation>此卡已作废：请会员出示新卡。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="134"/>
        <source>Card expired: ask the member to get a new card at the service desk.</source>
        <translation>会员卡已过期：请会员到服务台换领新卡。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="137"/>
        <source>Phone code expired: ask the member to refresh it.</source>
        <translation>手机会员码已过期：请会员刷新后再出示。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="140"/>
        <source>Phone code from the future: ask the member to check the phone&apos;s clock.</source>
        <translation>手机会员码时间超前：请会员检查手机时间。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="143"/>
        <source>The member&apos;s app must sign in again (its certificate has expired).</source>
        <translation>会员 App 需重新登录（设备证书已过期）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="146"/>
        <source>Code already used: ask the member to refresh the code.</source>
        <translation>此会员码已使用过：请会员刷新后再出示。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="158"/>
        <source>Unknown member or card number: check it and scan again.</source>
        <translation>未找到该会员或卡号：请核对后重新扫描。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="160"/>
        <source>Not accepted: that is not a member code or card number. Scan the code again.</source>
        <translation>无法识别：这不是会员码或卡号。请重新扫描会员码。</translation>
    </message>
    <message>
        <source>Not accepted: {detail}</source>
        <translation type="vanished">无法受理：{detail}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="167"/>
        <source>more points than one offline redemption may take</source>
        <translation>超过单笔离线兑换积分上限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="170"/>
        <source>over this member&apos;s offline limit for today</source>
        <translation>超过该会员今日离线兑换限额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="173"/>
        <source>too many members served while offline</source>
        <translation>离线期间服务的会员人数已达上限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="174"/>
        <source>over the store&apos;s total offline points</source>
        <translation>超过门店离线兑换积分总额</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="175"/>
        <source>the store has been offline too long</source>
        <translation>门店离线时间过长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="176"/>
        <source>a typed card number needs head office online</source>
        <translation>手动输入卡号需总部在线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="179"/>
        <source>head office refuses this store&apos;s sync and redemptions are stopped until it recovers (manager&apos;s sync tab)</source>
        <translation>总部拒绝本店同步，恢复之前兑换已停止（店长的同步页）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="195"/>
        <source>The basket is empty: add a gift first.</source>
        <translation>兑换清单为空：请先添加礼品。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="197"/>
        <source>{gift}: the quantity must be at least 1.</source>
        <translation>{gift}：数量至少为 1。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="201"/>
        <source>This member is blocked or closed: ask head office before redeeming.</source>
        <translation>该会员已冻结或注销：兑换前请联系总部。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="205"/>
        <source>{gift} is not available today.</source>
        <translation>{gift} 今日不可兑换。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="208"/>
        <source>{gift} is for {tier} members and above.</source>
        <translation>{gift} 仅限{tier}及以上会员兑换。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="212"/>
        <source>{gift} is out of stock: {left} left, {wanted} wanted.</source>
        <translation>{gift} 库存不足：剩余 {left} 件，需要 {wanted} 件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="216"/>
        <source>Not enough points: {available} available, {needed} needed.</source>
        <translation>积分不足：可用 {available}，需要 {needed}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="220"/>
        <source>Head office is offline and this redemption is beyond the offline limits ({check}): a manager override is needed.</source>
        <translation>总部离线，本次兑换超出离线限额（{check}）：需店长授权。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="226"/>
        <source>{what}: {asked} is more than the programme allows ({limit}); split it or ask head office.</source>
        <translation>{what}：{asked} 超过积分计划允许的上限（{limit}）；请拆分兑换或联系总部。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="231"/>
        <source>This redemption</source>
        <translation>本次兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="238"/>
        <source>A second verification is needed ({rules}): a manager&apos;s PIN, or the member&apos;s phone code instead of the printed card.</source>
        <translation>需要二次验证（{rules}）：请店长输入 PIN，或由会员出示手机动态码代替实体卡。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="243"/>
        <source>A second verification is needed ({rules}): a manager&apos;s PIN.</source>
        <translation>需要二次验证（{rules}）：请店长输入 PIN。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="247"/>
        <source>Refused by the risk rule {rules}: this redemption cannot be made now. Ask the store manager or head office.</source>
        <translation>风控规则 {rules} 拒绝了此次兑换：现在无法兑换，请联系店长或总部。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="257"/>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="268"/>
        <source>a cashier redeeming on their own card</source>
        <translation>收银员为自己的会员卡兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="270"/>
        <source>over {points} points</source>
        <translation>超过 {points} 积分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="272"/>
        <source>over {cash} cash</source>
        <translation>现金超过 {cash}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="274"/>
        <source>too many for one member in {minutes} min</source>
        <translation>同一会员 {minutes} 分钟内兑换过多</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="275"/>
        <source>too many for one cashier in {minutes} min</source>
        <translation>同一收银员 {minutes} 分钟内兑换过多</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="276"/>
        <source>too many of one gift in {minutes} min</source>
        <translation>同一礼品 {minutes} 分钟内兑换过多</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="289"/>
        <source>Member blocked</source>
        <translation>会员已冻结</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="291"/>
        <source>Session closed</source>
        <translation>场次已开始</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="293"/>
        <source>Fully booked</source>
        <translation>名额已满</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="295"/>
        <source>Not available now</source>
        <translation>当前不可兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="298"/>
        <source>{tier} members and above</source>
        <translation>限{tier}及以上会员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="300"/>
        <source>Out of stock</source>
        <translation>已兑完</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="302"/>
        <source>Not enough points (needs {needed})</source>
        <translation>积分不足（需 {needed}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="306"/>
        <source>Refused by a risk rule</source>
        <translation>风控规则拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="308"/>
        <source>Not available</source>
        <translation>不可兑换</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="314"/>
        <source>Nothing was recorded: the store database is on a read-only disk. Make the disk writable again, then try again. The database is not damaged: do not restore a backup.</source>
        <translation>未能记录：门店数据库所在的磁盘是只读的。请让磁盘恢复可写后重试。数据库没有损坏：请勿用备份恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="320"/>
        <source>Nothing was recorded: the disk is full. Free some space on this computer&apos;s disk, then try again. The database is not damaged: do not restore a backup.</source>
        <translation>未能记录：磁盘已满。请清理本机磁盘空间后重试。数据库没有损坏：请勿用备份恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="325"/>
        <source>Nothing was recorded: Lantern is not allowed to write the store database (permission denied). Ask whoever set up this till to give it write access, then try again. Do not restore a backup.</source>
        <translation>未能记录：Lantern 没有写入门店数据库的权限（权限被拒绝）。请让安装这台收银机的人开放写入权限后重试。请勿用备份恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wording.py" line="340"/>
        <source>No PIN can be checked: this till&apos;s PIN key is missing (the store database was moved or copied without its .vault file). Nothing was changed; call support.</source>
        <translation>无法验证任何 PIN：本收银机的 PIN 密钥缺失（门店数据库被移动或复制时没有带上它的 .vault 文件）。未做任何更改；请联系技术支持。</translation>
    </message>
</context>
</TS>
