# Runs the shop (and Caddy, when installed) at Windows start-up and restarts it when it stops with
# an error, using Task Scheduler: built into Windows, nothing to download. Run once, in PowerShell
# opened "as administrator", from the project folder:
#   powershell -ExecutionPolicy Bypass -File deploy\install-windows-tasks.ps1 -CaddyExe C:\caddy\caddy.exe
# Remove with: Unregister-ScheduledTask -TaskName "BHRT Shop*" -Confirm:$false
param(
    [string]$ShopDir = (Resolve-Path "$PSScriptRoot\..").Path,
    [string]$CaddyExe = "C:\caddy\caddy.exe",
    [string]$User = "SYSTEM"
)
$ErrorActionPreference = "Stop"

# Restarted a minute after a failure, up to 999 times; never stopped for running long.
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
$atStartup = New-ScheduledTaskTrigger -AtStartup

# start-backend.bat sets itself up on the first run (.venv, .env) and never pauses with NO_PAUSE set.
# The production essentials are set here; the rest comes from .env (see deploy\README.md).
$arguments = '/c set "NO_PAUSE=1" && set "APP_ENV=production" && set "HOST=127.0.0.1" && ' +
    'set "TRUSTED_PROXIES=127.0.0.1" && call "' + $ShopDir + '\start-backend.bat"'
$shop = New-ScheduledTaskAction -Execute "cmd.exe" -Argument $arguments -WorkingDirectory $ShopDir
Register-ScheduledTask -TaskName "BHRT Shop" -Action $shop -Trigger $atStartup -Settings $settings `
    -User $User -RunLevel Highest -Force | Out-Null
Write-Host "Registered the task 'BHRT Shop' (starts with Windows). Start it now: Start-ScheduledTask 'BHRT Shop'"

if (Test-Path $CaddyExe) {
    $caddy = New-ScheduledTaskAction -Execute $CaddyExe -Argument ('run --config "' + $ShopDir + '\deploy\Caddyfile"') `
        -WorkingDirectory (Split-Path $CaddyExe)
    Register-ScheduledTask -TaskName "BHRT Shop Caddy" -Action $caddy -Trigger $atStartup -Settings $settings `
        -User $User -RunLevel Highest -Force | Out-Null
    Write-Host "Registered the task 'BHRT Shop Caddy'. Set SHOP_DOMAIN for it: setx /M SHOP_DOMAIN shop.example.in"
} else {
    Write-Host "Caddy not found at $CaddyExe: download caddy.exe from caddyserver.com and run this again with -CaddyExe"
}
